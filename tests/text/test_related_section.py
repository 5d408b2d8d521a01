"""The "Related stories" lines under an article: numbered, each title in its own direction,
never wider than the pane."""

from __future__ import annotations

import pytest

from reader.text.article import META, RELATED, RelatedItem, related_section
from reader.text.layout import cell_width, fit_line

ITEMS = (
    RelatedItem("Volcano erupts near the village", "en", ("Alpha", "2021-03-01")),
    RelatedItem("ثوران البركان يغلق المطار", "ar", ("سبق", "2021-03-01", "3 articles")),
)


@pytest.mark.parametrize("width", [12, 40, 80])
def test_each_story_is_numbered_in_its_own_direction_within_the_width(width) -> None:
    lines = related_section(ITEMS, width)
    assert lines[1].text == fit_line("Related stories", width).text
    titles = [line for line in lines if line.role == RELATED]
    assert [line.target for line in titles] == [0, 1]
    english, arabic = titles
    assert english.indent == 0 and english.text.startswith("1 ")
    assert english.text[2:] == fit_line(ITEMS[0].title, width - 2, language="en").text
    shaped = fit_line(ITEMS[1].title, width - 2, language="ar").text
    assert arabic.text == f"{shaped} 2"
    assert arabic.indent + cell_width(arabic.text) == width  # right-aligned
    for line in lines:
        assert line.indent + cell_width(line.text) <= width, line
    metas = [line for line in lines if line.role == META]
    assert len(metas) == 2 and "Alpha" in metas[0].text


def test_no_stories_no_section() -> None:
    assert related_section((), 80) == ()
