"""The reading pane's layout (shared with `newsreader show`) and copying a selection."""

from __future__ import annotations

from reader.models import Article
from reader.text.article import BODY, META, TITLE, layout_article, selected_text

ARABIC = Article(
    title="تقرير (خاص) عن الاقتصاد",
    body="أعلنت الحكومة اليوم ميزانية جديدة (للعام 2016) بزيادة 5% عن العام الماضي.\n"
    "وقال الوزير إن «الإنفاق» سيرتفع في قطاع الصحة والتعليم خلال الأشهر المقبلة.",
    language="ar",
    source="okaz",
)


def body_lines(view) -> list[int]:
    return [y for y, line in enumerate(view.lines) if line.role == BODY]


def test_roles_and_right_alignment() -> None:
    view = layout_article(ARABIC, 30)
    roles = [line.role for line in view.lines]
    assert roles[0] == TITLE and META in roles
    for y in body_lines(view):
        line = view.lines[y]
        assert line.indent + sum(1 for c in line.text if c not in "\u064b\u064c\u064d") <= 30
    # right-aligned: the longest body lines reach the right edge
    assert max(view.lines[y].indent + len(view.lines[y].text) for y in body_lines(view)) >= 28


def test_copying_whole_lines_gives_the_stored_text() -> None:
    view = layout_article(ARABIC, 24)
    spans = {y: (0, -1) for y in body_lines(view)}
    copied = selected_text(view, spans)
    assert copied == ARABIC.body
    assert not any("\ufb50" <= c <= "\ufeff" for c in copied)  # no presentation forms


def test_copying_part_of_an_rtl_line_gives_the_logical_word() -> None:
    view = layout_article(ARABIC, 80)
    y = body_lines(view)[0]
    line = view.lines[y]
    # the paragraph's first word is drawn at the right end of the line
    word = "أعلنت"
    start = line.source.index(word)
    columns = {line.columns[i - line.start] for i in range(start, start + len(word))}
    chars = [i for i, cell in enumerate(line.char_cells()) if cell in columns]
    first, last = line.indent + min(chars), line.indent + max(chars) + 1
    assert selected_text(view, {y: (first, last)}) == word


def test_selection_across_paragraphs_keeps_the_break() -> None:
    view = layout_article(ARABIC, 200)
    first, second = body_lines(view)
    copied = selected_text(view, {first: (0, -1), first + 1: (0, -1), second: (0, -1)})
    assert copied.split("\n") == ARABIC.body.split("\n")


def test_english_wrapped_lines_rejoin_with_their_spaces() -> None:
    article = Article(title="T", body="one two three four five six seven eight nine ten")
    view = layout_article(article, 10)
    spans = {y: (0, -1) for y in body_lines(view)}
    assert len(spans) > 3
    assert selected_text(view, spans) == article.body


def test_the_date_reads_as_a_day_and_a_time_only_when_one_was_given() -> None:
    from datetime import UTC, datetime

    from reader.text.i18n import published_text

    def dated(when: datetime | None) -> datetime | None:
        return when

    assert published_text(dated(datetime(2014, 6, 10, tzinfo=UTC))) == "2014-06-10"
    assert published_text(dated(datetime(2015, 7, 21, 10, 5, tzinfo=UTC))) == (
        "2015-07-21 10:05 UTC"
    )
    assert published_text(dated(None)) == "undated"
