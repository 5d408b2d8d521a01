"""GNU FriBidi as the reference for the layout tests (`fribidi` from Debian's libfribidi-bin).

FriBidi's command-line tool lays out one logical line per input line. Two views are used:
- the visual string of a whole paragraph, laid out as one line;
- the paragraph's resolved levels and logical-to-visual map, which give, for every logical
  character, FriBidi's level and its drawn glyph (shaped, mirrored). Reordering a wrapped
  line with those levels (rule L2) is FriBidi's answer for that line *in paragraph context*.
  `fribidi --width` cannot give this: it reorders the whole paragraph and then wraps it.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from reader.text.shaping import HARAKAT

FRIBIDI = shutil.which("fribidi")
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
SAUDINEWSNET = SHARED / "corpora" / "saudinewsnet"


@dataclass(frozen=True)
class FriBidiLine:
    visual: str
    ltov: tuple[int, ...]
    levels: tuple[int, ...]

    def glyph(self, i: int) -> str:
        return self.visual[self.ltov[i]]


def run_fribidi(lines: list[str], rtl: bool) -> list[FriBidiLine]:
    """Lay out each string (no newlines) as one line with a forced base direction."""
    assert FRIBIDI is not None
    assert all("\n" not in line for line in lines)
    args = [FRIBIDI, "--nopad", "--nobreak", "--rtl" if rtl else "--ltr", "--ltov", "--levels"]
    data = "".join(line + "\n" for line in lines)
    result = subprocess.run(args, input=data.encode(), capture_output=True, check=True)
    out = result.stdout.decode().split("\n")
    assert len(out) >= 3 * len(lines), (len(out), len(lines))
    parsed = []
    for k, line in enumerate(lines):
        visual, ltov, levels = out[3 * k : 3 * k + 3]
        parsed.append(
            FriBidiLine(visual, tuple(map(int, ltov.split())), tuple(map(int, levels.split())))
        )
        assert len(parsed[-1].ltov) == len(line), (line, ltov)
    return parsed


@dataclass(frozen=True)
class FriBidiQuery:
    """A one-line query as FriBidi lays it out (base direction from its first strong
    character), drawn with the app's glyphs: what the search box must show."""

    rtl: bool
    visual: str  # FriBidi's own visual string (its shaping)
    text: str  # the app's shaped glyphs in FriBidi's visual order
    cells: tuple[int, ...]  # cell of each logical character in `text`
    odd: tuple[bool, ...]  # each logical character's level is odd: drawn right to left

    def blocks(self, value: str) -> list[int]:
        """The block cursor's cell (relative to `text`) at each caret position of `value`: on
        the trailing side of the character before the caret (right of it when FriBidi draws
        it left to right, left of it when right to left); on character 0 at position 0."""
        from reader.text.cells import cell_width

        out = [self.cells[0]] if value else [0]
        for p in range(1, len(value) + 1):
            cell = self.cells[p - 1]
            out.append(cell - 1 if self.odd[p - 1] else cell + cell_width(value[p - 1]))
        return out

    def right_step_in_run(self, before: int, after: int) -> int | None:
        """When the characters before caret positions `before` and `after` are neighbours in
        one run, the logical step that Right takes between them: +1 in a left-to-right run,
        -1 in a right-to-left one. None at a run boundary or the start."""
        if not before or not after:
            return None
        a, b = before - 1, after - 1
        if self.odd[a] != self.odd[b] or abs(self.cells[a] - self.cells[b]) != 1:
            return None
        return -1 if self.odd[a] else 1


def fribidi_queries(values: list[str]) -> list[FriBidiQuery]:
    """FriBidi's layout of each value as one line (no harakat: FriBidi puts a mark before its
    base letter in RTL runs, the app after it)."""
    from reader.text.cells import cell_width
    from reader.text.shaping import MERGED, shape

    assert FRIBIDI is not None
    assert all("\n" not in value and not HARAKAT.search(value) for value in values)
    args = [FRIBIDI, "--nopad", "--nobreak", "--basedir", "--ltov", "--levels"]
    data = "".join(value + "\n" for value in values).encode()
    out = subprocess.run(args, input=data, capture_output=True, check=True).stdout.decode()
    lines = out.split("\n")
    parsed = []
    for k, value in enumerate(values):
        visual, basedir, ltov, levels = lines[4 * k : 4 * k + 4]
        assert basedir in ("Base direction: R", "Base direction: L"), basedir
        to_visual = list(map(int, ltov.split()))
        odd = tuple(int(level) % 2 == 1 for level in levels.split())
        assert len(to_visual) == len(odd) == len(value), (value, ltov, levels)
        glyphs = shape(value) or value
        in_order = sorted(range(len(value)), key=to_visual.__getitem__)
        cells = [0] * len(value)
        text = ""
        for i in in_order:
            if glyphs[i] != MERGED:
                cells[i] = cell_width(text)
                text += glyphs[i]
        for i in range(1, len(value)):
            if glyphs[i] == MERGED:  # lam-alef: the alef is drawn in the lam's cell
                cells[i] = cells[i - 1]
        parsed.append(FriBidiQuery(basedir.endswith("R"), visual, text, tuple(cells), odd))
    return parsed


# NFKC spells a lam-alef ligature lam first (logical order), but in visual text the two
# letters stand right-to-left: alef, then lam. Spell it that way, so a ligature compares
# equal to the same two letters drawn unligated (FriBidi does not ligate across harakat,
# arabic_reshaper does).
_LAM_ALEF_VISUAL = {
    code: unicodedata.normalize("NFKC", chr(code))[::-1] for code in range(0xFEF5, 0xFEFD)
}


def fold(text: str) -> str:
    """What comparisons look at: NFKC (presentation forms back to letters), no format
    characters (U+FEFF left by FriBidi's lam-alef, LRM/RLM/ALM), no harakat, tabs as spaces,
    no spaces at the ends."""
    text = unicodedata.normalize("NFKC", text.translate(_LAM_ALEF_VISUAL))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = HARAKAT.sub("", text).replace("\t", " ")
    return text.strip(" ")


def l2_reorder(indices: list[int], levels: list[int]) -> list[int]:
    """Textbook rule L2 over one line: logical indices in visual order."""
    order = list(indices)
    if not order:
        return order
    top = max(levels)
    low = min(levels) | 1
    for level in range(top, low - 1, -1):
        i = 0
        while i < len(order):
            if levels[i] >= level:
                j = i
                while j < len(order) and levels[j] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                levels[i:j] = levels[i:j][::-1]
                i = j
            else:
                i += 1
    return order


_WHITESPACE_LIKE = {"WS", "BN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}
_TRAILING = _WHITESPACE_LIKE | {"S"}


def line_text(paragraph: str, start: int, end: int) -> str:
    """The logical text of a wrapped line without what trails at the wrap point: the
    whitespace rule L1 resets, with the BN and explicit formatting characters it counts as
    whitespace, and no-break spaces (spaces for alignment). None of it is drawn. (A mark
    such as LRM ends that run: spaces before it are not trailing.)"""
    while end > start and (
        paragraph[end - 1] in " \t\u00a0\u2007\u202f"
        or unicodedata.bidirectional(paragraph[end - 1]) in _TRAILING
    ):
        end -= 1
    return paragraph[start:end]


def expected_line(paragraph: str, info: FriBidiLine, start: int, end: int, rtl: bool) -> str:
    """FriBidi's visual text for logical [start, end) of `paragraph` in paragraph context."""
    end = start + len(line_text(paragraph, start, end))
    indices = list(range(start, end))
    levels = [info.levels[i] for i in indices]
    # Rule L1 for this line end (FriBidi applied it only at the paragraph's end): whitespace
    # that ends the line, or precedes a segment separator, goes back to the paragraph level.
    trailing = True
    for j in range(len(indices) - 1, -1, -1):
        kind = unicodedata.bidirectional(paragraph[indices[j]])
        if kind in ("S", "B"):
            levels[j] = int(rtl)
            trailing = True
        elif kind in _WHITESPACE_LIKE and trailing:
            levels[j] = int(rtl)
        else:
            trailing = False
    return "".join(info.glyph(i) for i in l2_reorder(indices, levels))


def corpus_paragraphs(limit: int) -> list[str]:
    """Non-blank paragraphs of SaudiNewsNet articles, spread over every file of the corpus."""
    import json
    import zipfile

    from reader.text.sanitize import clean_text

    paths = sorted(SAUDINEWSNET.glob("*.zip"))
    per_file = -(-limit // max(1, len(paths)))
    out: list[str] = []
    for path in paths:
        taken = 0
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                for article in json.loads(archive.read(name)):
                    for paragraph in clean_text(article.get("content") or "").split("\n"):
                        if paragraph.strip() and taken < per_file:
                            out.append(paragraph)
                            taken += 1
                    if taken >= per_file:
                        break
    return out[:limit]
