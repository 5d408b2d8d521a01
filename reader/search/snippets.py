"""Find query matches in text and cut snippets around them.

Spans are found by running the index analyzer over the text and comparing each token's
term with the query's terms, so a match through normalisation or stemming (searching
«الحكومة» finds «حكومات», "run" finds "running") is highlighted on exactly the word the
reader sees. All offsets are logical (string indices), [start, end).
"""

from __future__ import annotations

from reader.models import Snippet
from reader.search.analysis import TOKEN_PATTERN, BilingualAnalyzer
from reader.search.query import HighlightTerms
from reader.text.cells import char_width

SNIPPET_WIDTH = 200
LEAD = 40  # context kept before the first match
ELLIPSIS = "…"

_ANALYZER = BilingualAnalyzer()
_MISSING = object()


class Matcher:
    """Spans of a parsed query's positive title/body terms in any text."""

    def __init__(self, highlight: HighlightTerms) -> None:
        self.terms = highlight.terms
        self.prefixes = highlight.prefixes
        self.phrases = highlight.phrases

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, key) for every match in text order; key names what matched."""
        if not (self.terms or self.prefixes or self.phrases):
            return []
        # A hot loop (20 bodies per search page): regex + the analyzer's term cache inline.
        term_of = _ANALYZER.term
        cached = _ANALYZER.cache().get
        terms, prefixes, phrases = self.terms, self.prefixes, self.phrases
        found: list[tuple[int, int, str]] = []
        sequence: list[tuple[str, int, int]] = []  # analysed tokens, for phrases only
        for match in TOKEN_PATTERN.finditer(text):
            raw = match.group()
            term = cached(raw, _MISSING)
            if term is _MISSING:
                term = term_of(raw)
            if term is None:
                continue
            if phrases:
                sequence.append((term, match.start(), match.end()))
            if term in terms:
                found.append((match.start(), match.end(), term))
            elif prefixes:
                for prefix in prefixes:
                    if term.startswith(prefix):
                        found.append((match.start(), match.end(), prefix + "*"))
                        break
        for phrase in phrases:
            n = len(phrase)
            first = phrase[0]
            for i in range(len(sequence) - n + 1):
                if sequence[i][0] == first and all(
                    sequence[i + k][0] == phrase[k] for k in range(1, n)
                ):
                    found.append((sequence[i][1], sequence[i + n - 1][2], " ".join(phrase)))
        found.sort()
        # Merge overlaps (a phrase covering its own words) into one span.
        merged: list[tuple[int, int, str]] = []
        for start, end, key in found:
            if merged and start < merged[-1][1]:
                last = merged[-1]
                merged[-1] = (last[0], max(last[1], end), last[2])
            else:
                merged.append((start, end, key))
        return merged

    def spans(self, text: str) -> list[tuple[int, int]]:
        """[start, end) spans of the matches in `text`, sorted, not overlapping."""
        return [(s, e) for s, e, _ in self.matches(text)]


def _best_window(matches: list[tuple[int, int, str]], width: int) -> int:
    """Index of the match that starts the window with the most distinct, then most, hits."""
    best, best_score = 0, (-1, -1)
    n = len(matches)
    for i, (start, _, _) in enumerate(matches):
        keys: set[str] = set()
        count = 0
        for j in range(i, n):  # not matches[i:]: a copy per match is quadratic
            _, e, key = matches[j]
            if e - start > width - LEAD:
                break
            keys.add(key)
            count += 1
        score = (len(keys), count)
        if score > best_score:
            best, best_score = i, score
    return best


def _cut(text: str, start: int, end: int) -> tuple[int, int]:
    """Move start forward and end backward to word boundaries (whitespace)."""
    if start > 0 and not text[start - 1].isspace():
        space = text.find(" ", start, end)
        newline = text.find("\n", start, end)
        candidates = [p for p in (space, newline) if p >= 0]
        if candidates:
            start = min(candidates) + 1
    if end < len(text) and not text[end].isspace():
        space = max(text.rfind(" ", start, end), text.rfind("\n", start, end))
        if space > start:
            end = space
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def make_snippet(body: str, title: str, matcher: Matcher, width: int = SNIPPET_WIDTH) -> Snippet:
    """The best ~`width`-character fragment of `body` with every match highlighted.

    Without a match in the body, the start of the body; without a body, the title.
    Newlines become spaces (same length, so offsets hold); "…" marks cut ends.
    """
    if not body.strip():
        text = " ".join(title.split())
        return Snippet(text, tuple(matcher.spans(text)))
    matches = matcher.matches(body)
    if matches:
        first = matches[_best_window(matches, width)]
        # Start a little before the match, at a sentence start if one is near.
        start = max(0, first[0] - LEAD)
        for mark in (". ", "\n", "。", "؟ ", "! ", "? "):
            cut = body.rfind(mark, start, first[0])
            if cut >= 0:
                start = max(start, cut + len(mark))
        start = min(start, first[0])
    else:
        start = 0
    end = min(len(body), start + width)
    if matches:
        # Never cut through the first match.
        end = max(end, min(len(body), first[1]))
    start, end = _cut(body, start, end)
    if matches:  # the cut never loses the chosen match
        start, end = min(start, first[0]), max(end, first[1])
    fragment = body[start:end].replace("\n", " ").replace("\t", " ").replace("\r", " ")
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(body) else ""
    shift = len(prefix) - start
    spans = tuple(
        (max(s, start) + shift, min(e, end) + shift) for s, e, _ in matches if s < end and e > start
    )
    return Snippet(prefix + fragment + suffix, spans)


def fit_snippet(snippet: Snippet, cells: int) -> Snippet:
    """The part of `snippet` that fits in `cells` terminal cells, centred on its first match.

    The whole first match is kept (unless it alone is wider than `cells`), with about as
    much context before it as after, cut at word boundaries where there is one to cut at.
    Cut ends are marked "…", counted in the width. Highlights are moved to the new text
    and clipped to it. Cells are counted on the logical text, which shaping never widens.
    """
    text, highlights = snippet.text, snippet.highlights
    widths = [char_width(c) for c in text]
    if sum(widths) <= cells:
        return snippet
    if cells < 1:
        return Snippet("")
    n = len(text)
    start, end = highlights[0] if highlights else (0, 0)
    if sum(widths[start:end]) + (start > 0) + (end < n) > cells:
        end = start  # the match alone is too wide: show as much of it as fits
    a, b = start, end
    used = sum(widths[a:b])  # cells of text[a:b]

    def fits(extra: int, left: int, right: int) -> bool:
        return used + extra + (left > 0) + (right < n) <= cells

    def grow_right() -> None:
        nonlocal b, used
        while b < n and fits(widths[b], a, b + 1):
            used += widths[b]
            b += 1

    # Grow one character at a time on the side with less context so far.
    before = after = 0
    while True:
        left = a > 0 and fits(widths[a - 1], a - 1, b)
        right = b < n and fits(widths[b], a, b + 1)
        if left and (before <= after or not right):
            a -= 1
            before += widths[a]
            used += widths[a]
        elif right:
            used += widths[b]
            after += widths[b]
            b += 1
        else:
            break
    # Start on a whole word (never inside the match); the cells freed go to the right.
    if a > 0 and not text[a - 1].isspace() and (space := text.find(" ", a, start)) >= 0:
        used -= sum(widths[a : space + 1])
        a = space + 1
    while a < start and (text[a].isspace() or widths[a] == 0):
        used -= widths[a]
        a += 1
    grow_right()
    while b < n and widths[b] == 0:  # marks stay with their letter (they take no cell)
        b += 1
    if b < n and not text[b].isspace() and (space := text.rfind(" ", end, b)) >= end:
        b = space
    while b > end and text[b - 1].isspace():
        b -= 1
    prefix = ELLIPSIS if a > 0 else ""
    suffix = ELLIPSIS if b < n else ""
    shift = len(prefix) - a
    spans = tuple((max(s, a) + shift, min(e, b) + shift) for s, e in highlights if s < b and e > a)
    return Snippet(prefix + text[a:b] + suffix, spans)
