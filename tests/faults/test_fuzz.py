"""Property tests (hypothesis, derandomized so CI is reproducible): the importer never
raises and accounts for every file; any query gives results or a QueryError against a real
index; any text at any width lays out in lines no wider than the width."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reader.search.index import QueryError, SearchIndex
from reader.sources.importer import import_paths
from reader.store import Store
from reader.text.cells import cell_width
from reader.text.layout import layout_text

FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
records = st.dictionaries(
    st.sampled_from(
        ["title", "content", "body", "text", "url", "date", "author", "source", "language", "x"]
    ),
    json_values,
    max_size=8,
)
file_contents = st.one_of(
    st.binary(max_size=2000).map(lambda b: ("bin", b)),
    st.text(max_size=2000).map(lambda t: ("text", t.encode("utf-8", "surrogatepass"))),
    st.lists(records | json_values, max_size=5).map(lambda v: ("json", json.dumps(v).encode())),
    json_values.map(lambda v: ("json", json.dumps(v).encode())),
)
SUFFIX = {"bin": ".json", "text": ".txt", "json": ".json"}


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory: pytest.TempPathFactory):
    store = Store(tmp_path_factory.mktemp("fuzz") / "library.sqlite3")
    yield store
    store.close()


@FUZZ
@given(files=st.lists(file_contents, min_size=1, max_size=4), jsonl=st.booleans())
def test_import_never_raises_and_accounts_for_every_file(fuzz_store, files, jsonl) -> None:
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for n, (kind, data) in enumerate(files):
            suffix = ".jsonl" if jsonl and kind == "json" else SUFFIX[kind]
            path = Path(folder) / f"f{n}{suffix}"
            path.write_bytes(data)
            paths.append(path)
        report = import_paths(fuzz_store, paths)
    # Every file is accounted for: it added or duplicated articles, or failed with a reason.
    failed = {f.origin.split("#")[0] for f in report.failures}
    assert all(f.reason for f in report.failures)
    # A file with no records ([] or blank lines) adds nothing and is not a failure.
    assert failed <= {str(p) for p in paths}
    assert not report.stopped


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("qidx")
    store = Store(folder / "library.sqlite3")
    from reader.models import Article

    store.add_articles(
        [
            Article(
                title="Oil prices rise", body="Crude oil prices rose on Monday.", language="en"
            ),
            Article(
                title="الحكومة تعلن ميزانية", body="أعلنت الحكومة ميزانية جديدة", language="ar"
            ),
            Article(
                title="Football final", body="The final was played in the rain.", language="en"
            ),
        ]
    )
    index = SearchIndex(folder / "index")
    index.rebuild(store)
    yield index, store
    index.close()
    store.close()


query_text = st.one_of(
    st.text(max_size=60),
    st.lists(
        st.sampled_from(
            [
                "oil",
                "OR",
                "AND",
                "NOT",
                "-",
                "(",
                ")",
                '"',
                "*",
                "title:",
                "lang:",
                "is:",
                "after:",
                "before:2015-13-45",
                "source:",
                "الحكومة",
                "«",
                "»",
                "econom*",
                ":",
            ]
        ),
        max_size=10,
    ).map(" ".join),
)


@FUZZ
@given(query=query_text)
def test_any_query_gives_results_or_a_query_error(small_index, query) -> None:
    index, store = small_index
    try:
        results = index.search(query, store, limit=5)
    except QueryError as error:
        assert str(error)
        return
    assert results.total >= len(results.hits)


@FUZZ
@given(
    text=st.text(max_size=300),
    width=st.integers(min_value=1, max_value=120),
    language=st.sampled_from([None, "ar", "en"]),
)
@example(text="\u0e5c", width=1, language=None)  # a wide glyph at width 1 (issue 11)
@example(text="漢字 كلمة 漢", width=1, language="ar")
def test_layout_lines_never_wider_than_the_width(text, width, language) -> None:
    for paragraph in layout_text(text, width, language=language):
        for line in paragraph.lines:
            assert line.indent + cell_width(line.text) <= width, (text, width, line)


@pytest.mark.parametrize("text", ["\u0e5c", "漢", "a漢字b", "خبر 漢"])
def test_a_glyph_wider_than_the_width_becomes_one_ellipsis(text: str) -> None:
    """At width 1 a two-cell glyph is drawn as one "…" (as `fit_line` draws it): a line
    never grows past the width, and every character still maps to a drawn column."""
    lines = [line for p in layout_text(text, 1) for line in p.lines]
    assert all(cell_width(line.text) == 1 for line in lines), lines
    wide = sum(1 for ch in text if cell_width(ch) == 2)
    assert sum(line.text == "…" for line in lines) == wide
    wrapped_at_2 = [line for p in layout_text(text, 2) for line in p.lines]
    assert "…" not in "".join(line.text for line in wrapped_at_2)  # only when it must
