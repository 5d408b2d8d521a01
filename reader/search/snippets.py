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
    for i, (start, _, _) in enumerate(matches):
        keys: set[str] = set()
        count = 0
        for _, e, key in matches[i:]:
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
