"""Issue 14 item 2: at any width the results row shows the whole first matched word."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reader.models import Article
from reader.text.layout import to_logical
from tests.ui.test_app import SIZE, settle

# The first match sits well into the snippet, as in most real results.
ARABIC = Article(
    guid="ar-long",
    title="خطة صحية جديدة",
    body="أعلنت وزارة الصحة اليوم عن خطة جديدة لمكافحة الأمراض في المناطق الريفية البعيدة عن "
    "المدن الكبرى، وقالت في بيان رسمي إن الحكومات المحلية ستتعاون مع المستشفيات في تنفيذ "
    "الخطة خلال العام المقبل، بينما أكدت مصادر أن الحكومة ستخصص ميزانية كبيرة للمشروع.",
    source="okaz",
    language="ar",
    published=datetime(2015, 7, 20, tzinfo=UTC),
)
ENGLISH = Article(
    guid="en-long",
    title="Energy prices",
    body="Oil prices rose on Monday as interest rates stayed high across the region, and "
    "analysts said markets would stay nervous. Gas prices fell sharply after an announcement "
    "by the energy ministers of several countries on Tuesday afternoon in Vienna.",
    source="wire",
    language="en",
    published=datetime(2015, 7, 21, tzinfo=UTC),
)


def highlighted_runs(segments, mark) -> list[str]:
    runs: list[str] = []
    joined = False
    for segment in segments:
        if segment.style == mark:
            if joined:
                runs[-1] += segment.text
            else:
                runs.append(segment.text)
            joined = True
        else:
            joined = False
    return runs


@pytest.mark.parametrize(
    ("query", "article", "word"),
    [("الحكومة", ARABIC, "الحكومات"), ("minister", ENGLISH, "ministers")],
)
async def test_the_first_match_shows_whole_at_every_width(make_app, query, article, word) -> None:
    app = make_app(ARABIC, ENGLISH)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *query)
        await settle(pilot)
        rows = [app.main.results.row_at(i) for i in range(app.main.results.row_count)]
        hit = next(row for row in rows if row.title == article.title)
        assert word in hit.snippet.text
        mark = app.main.results.style_for("rowlist--highlight")
        for width in range(20, 141):
            _, snippet_row = app.main.results.render_row(hit, width, False)
            runs = [to_logical(run.strip()) for run in highlighted_runs(snippet_row, mark)]
            assert word in runs or word[::-1] in runs, (width, runs)
            assert snippet_row.cell_length == width
