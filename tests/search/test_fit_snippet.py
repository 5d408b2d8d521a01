"""fit_snippet: a snippet cut to a row's width, centred on its first match (issue 14)."""

from __future__ import annotations

import pytest

from reader.models import Snippet
from reader.search.query import parse_query
from reader.search.snippets import ELLIPSIS, Matcher, fit_snippet, make_snippet
from reader.text.cells import cell_width

ARABIC_BODY = (
    "أعلنت وزارة الصحة اليوم عن خطة جديدة لمكافحة الأمراض في المناطق الريفية البعيدة عن "
    "المدن الكبرى، وقالت في بيان رسمي إن الحكومات المحلية ستتعاون مع المستشفيات في تنفيذ "
    "الخطة خلال العام المقبل، بينما أكدت مصادر أن الحكومة ستخصص ميزانية كبيرة للمشروع."
)
ENGLISH_BODY = (
    "Oil prices rose on Monday as interest rates stayed high across the region, and "
    "analysts said markets would stay nervous. Gas prices fell sharply after an announcement "
    "by the energy ministers of several countries on Tuesday afternoon in Vienna."
)


def snippet(body: str, query: str) -> Snippet:
    return make_snippet(body, "", Matcher(parse_query(query).highlight))


@pytest.mark.parametrize(
    ("body", "query", "word"),
    [
        (ARABIC_BODY, "الحكومة", "الحكومات"),
        (ARABIC_BODY, "كُرَة OR الحكومة", "الحكومات"),
        (ENGLISH_BODY, "minister", "ministers"),
    ],
)
def test_the_whole_first_match_fits_every_width(body: str, query: str, word: str) -> None:
    full = snippet(body, query)
    for cells in range(len(word) + 2, 141):
        fitted = fit_snippet(full, cells)
        assert cell_width(fitted.text) <= cells
        start, end = fitted.highlights[0]
        assert fitted.text[start:end] == word, cells
        # Roughly centred: whole words of context on both sides once there is room.
        if cells >= len(word) + 24 and cell_width(full.text) > cells:
            assert fitted.text.index(word) >= 4, cells
            assert len(fitted.text) - end >= 4, cells


def test_cut_ends_are_marked_and_whole_words_kept() -> None:
    fitted = fit_snippet(snippet(ENGLISH_BODY, "minister"), 40)
    assert fitted.text.startswith(ELLIPSIS) and fitted.text.endswith(ELLIPSIS)
    inner = fitted.text.strip(ELLIPSIS)
    assert f" {inner} " in f" {' '.join(ENGLISH_BODY.split())} "  # no word cut in half


def test_a_snippet_that_fits_is_unchanged_and_no_match_keeps_the_start() -> None:
    short = Snippet("Gas prices fell", ((0, 3),))
    assert fit_snippet(short, 40) is short
    plain = fit_snippet(Snippet("one two three four five six"), 12)
    assert plain.text == "one two…" and plain.highlights == ()


def test_a_match_wider_than_the_row_shows_its_beginning() -> None:
    fitted = fit_snippet(Snippet("a Donaudampfschifffahrt b", ((2, 23),)), 8)
    assert cell_width(fitted.text) <= 8
    start, end = fitted.highlights[0]
    assert "Donaudampfschifffahrt".startswith(fitted.text[start:end]) and end > start
