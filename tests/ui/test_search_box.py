"""The search box draws the query as FriBidi lays it out, and its caret where Backspace acts.

Typed letter by letter in the real app: after every key, the box's row on screen holds
FriBidi's visual order of the value (drawn with the app's shaping), right-aligned when the
query reads right to left, and the block cursor is in the cell next to the character that
the next Backspace deletes.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from rich.style import Style
from textual.keys import _character_to_key

from reader.text.layout import fit_line
from reader.ui.search_pane import SearchInput
from tests.text.fribidi_oracle import FRIBIDI, FriBidiQuery, fribidi_queries
from tests.ui.test_app import SIZE
from tests.ui.test_keys import settle

ARABIC = "العراق"
MIXED = ("Trump ترامب", '"وزارة الداخلية" after:2017-02-06', "lang:ar الحكومة -تونس")

needs_fribidi = pytest.mark.skipif(FRIBIDI is None, reason="fribidi (libfribidi-bin) not installed")


def key_for(char: str) -> str:
    return char if char.isalnum() else _character_to_key(char)


def box_of(app):
    box = app.main.search_pane.input
    box.cursor_blink = False  # the block is drawn in every frame
    return box


def row_of_box(app) -> tuple[str, list]:
    """The box's content cells as the screen shows them: text, and (cell, style) pairs."""
    box = app.main.search_pane.input
    region = box.content_region
    strip = app.screen._compositor.render_strips()[region.y]
    text = "".join(segment.text for segment in strip)
    styles = [segment.style for segment in strip for _ in segment.text]
    x = region.x
    return text[x : x + region.width], styles[x : x + region.width]


def cells_styled(styles: list, style: Style) -> list[int]:
    return [k for k, s in enumerate(styles) if s is not None and s.bgcolor == style.bgcolor]


def check_box(app, fb: FriBidiQuery | None = None) -> tuple[int, int]:
    """Assert the box shows its value as FriBidi does with the caret where FriBidi says;
    return where the text starts in the box and the caret's cell in the text."""
    box = box_of(app)
    value, position = box.value, box.cursor_position
    fb = fb or fribidi_queries([value])[0]
    shown, styles = row_of_box(app)
    width = box.content_region.width
    origin = shown.find(fb.text)
    assert origin >= 0, (shown, fb.text)
    assert not shown[:origin].strip() and not shown[origin + len(fb.text) :].strip()
    if fb.rtl:  # against the right edge (one cell short when the caret can stand there)
        assert origin + len(fb.text) in (width, width - 1), shown
    else:
        assert origin in (0, 1), shown
    caret = box.cursor_screen_offset.x - box.content_region.x - origin
    assert caret == fb.blocks(value)[position], (value[:position], value[position:])
    # The block is drawn in that cell, and only there.
    assert cells_styled(styles, box.cursor_style) == [origin + caret]
    if position:  # next to what Backspace deletes
        deleted = fb.cells[position - 1]
        assert abs(caret - deleted) == 1
        assert shown[origin + deleted] == fb.text[deleted]
    return origin, caret


async def type_checking_each_key(pilot, query: str) -> None:
    app = pilot.app
    for k, char in enumerate(query):
        await pilot.press(key_for(char))
        assert box_of(app).value == query[: k + 1]
        check_box(app)
    await settle(pilot)


@needs_fribidi
@pytest.mark.parametrize("query", (ARABIC, *MIXED))
async def test_typing_shows_fribidi_order_after_each_key(make_app, query: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_checking_each_key(pilot, query)
        assert box_of(app).value == query  # the value stays logical
        # Backspace, key by key: each deletes the character drawn next to the caret.
        while box_of(app).value:
            value = box_of(app).value
            fb = fribidi_queries([value])[0]
            origin, caret = check_box(app, fb)
            await pilot.press("backspace")
            assert box_of(app).value == value[:-1]
            assert abs(fb.cells[len(value) - 1] - caret) == 1
        check_box_empty(app)


async def type_query(pilot, query: str) -> tuple[SearchInput, FriBidiQuery]:
    """Go to the box and type `query`; the box, and FriBidi's layout of the query."""
    await settle(pilot)
    await pilot.press("slash", *map(key_for, query))
    await settle(pilot)
    box = box_of(pilot.app)
    assert box.value == query
    return box, fribidi_queries([query])[0]


def check_box_empty(app) -> None:
    shown, _ = row_of_box(app)
    assert shown.startswith(app.main.search_pane.input.placeholder[:20])


@needs_fribidi
@pytest.mark.parametrize("query", MIXED)
async def test_arrows_home_end_and_backspace_on_a_mixed_line(make_app, query: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        box, fb = await type_query(pilot, query)
        blocks = fb.blocks(query)
        await pilot.press("end")
        assert box.cursor_position == len(query)
        await pilot.press("home")
        assert box.cursor_position == 0
        check_box(app, fb)
        # Left as far as it goes, then Right across the line: every position once, the block
        # never moving left, and inside a run the caret follows the run's direction.
        for _ in range(len(query) + 1):
            await pilot.press("left")
        visited = [box.cursor_position]
        for _ in range(len(query)):
            before = box.cursor_position
            await pilot.press("right")
            after = box.cursor_position
            check_box(app, fb)
            assert blocks[after] >= blocks[before]
            step = fb.right_step_in_run(before, after)  # in a run: the run's direction
            assert step is None or after - before == step
            visited.append(after)
        assert sorted(visited) == list(range(len(query) + 1))
        await pilot.press("right")  # the right end: it stays
        assert box.cursor_position == visited[-1]
        for expected in reversed(visited[:-1]):  # Left retraces the same stops
            await pilot.press("left")
            assert box.cursor_position == expected
        # Backspace in the middle deletes the logical character before the caret, which is
        # drawn next to the caret.
        for _ in range(len(query) // 2):
            await pilot.press("right")
        position = box.cursor_position
        check_box(app, fb)
        await pilot.press("backspace")
        assert box.value == query[: position - 1] + query[position:]
        assert box.cursor_position == position - 1
        check_box(app)


def check_selection_drawn(app, fb: FriBidiQuery, origin: int) -> None:
    """The selected characters' cells are drawn selected (the caret's cell as the caret)."""
    box = box_of(app)
    start, end = sorted(box.selection)
    _, styles = row_of_box(app)
    caret = cells_styled(styles, box.cursor_style)
    chosen = {origin + fb.cells[i] for i in range(start, end)}
    selected = cells_styled(styles, box.get_component_rich_style("input--selection"))
    assert selected == sorted(chosen - set(caret))


@needs_fribidi
@pytest.mark.parametrize("query", (ARABIC, MIXED[0]))
async def test_selection_is_drawn_on_the_selected_characters(make_app, query: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        box, fb = await type_query(pilot, query)
        origin, _ = check_box(app, fb)
        # From the end of an RTL query (its left end), shift+Right selects its last letters.
        await pilot.press("shift+right", "shift+right")
        if fb.rtl:
            assert box.selected_text == query[-2:]
        assert box.selected_text
        check_selection_drawn(app, fb, origin)
        # From the start, the first two letters: leftwards in RTL, rightwards in LTR.
        await pilot.press("home", *["shift+left" if fb.rtl else "shift+right"] * 2)
        assert box.selected_text == query[:2]
        check_selection_drawn(app, fb, origin)
        await pilot.press("home", "shift+end")
        assert box.selected_text == query
        check_selection_drawn(app, fb, origin)
        await pilot.press(*map(key_for, "Iraq"))  # typing replaces the selection
        assert box.value == "Iraq"


async def test_history_recall_and_paste_keep_the_value_logical(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        box = box_of(app)
        for query in (ARABIC, MIXED[0]):
            box.value = ""
            await pilot.press(*map(key_for, query), "enter")
            await settle(pilot)
            await pilot.press("slash")
        box.value = ""
        await pilot.press("up")
        assert box.value == MIXED[0] and box.cursor_position == len(MIXED[0])
        await pilot.press("up")
        assert box.value == ARABIC
        shown, _ = row_of_box(app)
        assert fit_line(ARABIC, 100).text in shown
        box.value = ""
        app.copy_to_clipboard(ARABIC)
        box.action_paste()
        await pilot.pause()
        assert box.value == ARABIC and box.cursor_position == len(ARABIC)


LONG_ARABIC = (
    "العراق الموصل تنظيم الدولة الإسلامية الأمم المتحدة مجلس الأمن الحكومة العراقية "
    "إقليم كردستان محافظة نينوى المساعدات الإنسانية"
)
LONG_ENGLISH = (
    "Mosul الموصل militants threaten the whole region warns the United Nations secretary general"
)


@pytest.mark.parametrize("query", (LONG_ARABIC, LONG_ENGLISH))
async def test_a_long_query_scrolls_to_keep_the_caret_in_view(make_app, query: str) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        box = box_of(app)
        head, last = query.rsplit(" ", 1)
        box.value = head + " "
        box.cursor_position = len(box.value)
        await pilot.press(*map(key_for, last))
        await settle(pilot)
        first = query.split(" ", 1)[0]
        shown, styles = row_of_box(app)
        assert len(fit_line(query, 10_000).text) > len(shown)  # too long to show whole
        rtl = fit_line(query, 10_000).rtl

        def visual(word: str) -> str:
            return fit_line(word, 100).text

        # Typing at the end: the word being typed and the caret are in view.
        assert visual(last) in shown and visual(first) not in shown, shown
        assert cells_styled(styles, box.cursor_style)
        await pilot.press("home")
        await pilot.pause()
        shown, styles = row_of_box(app)
        assert visual(first) in shown and visual(last) not in shown, shown
        # The start of the query is its right end when it reads right to left.
        assert shown.rstrip().endswith(visual(first)) if rtl else shown.startswith(first)
        assert cells_styled(styles, box.cursor_style)
        await pilot.press("end")
        await pilot.pause()
        assert visual(last) in row_of_box(app)[0]


async def test_bidi_terminal_passes_the_logical_text_through(make_app, session) -> None:
    session.settings = replace(session.settings, bidi="terminal")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        box = box_of(app)
        for k, char in enumerate(ARABIC):
            await pilot.press(char)
            shown, styles = row_of_box(app)
            assert shown.rstrip() == ARABIC[: k + 1]  # logical order, unshaped, left-aligned
            assert cells_styled(styles, box.cursor_style) == [k + 1]
        await pilot.press("home", "right")
        assert box.cursor_position == 1  # Right is logical: the terminal does the bidi
        _, styles = row_of_box(app)
        assert cells_styled(styles, box.cursor_style) == [1]
