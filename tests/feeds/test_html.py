"""HTML → plain text for the reading pane."""

from __future__ import annotations

from reader.sources.html import html_to_text, inline_text


def test_paragraphs_headings_lists_one_per_line():
    text = html_to_text(
        "<h2>Heading</h2><p>First   paragraph\nwrapped.</p><div>Second<br>line</div>"
        "<ul><li>one</li><li>two <b>bold</b></li></ul><ol><li>three</li></ol>"
    )
    assert text.split("\n") == [
        "Heading",
        "First paragraph wrapped.",
        "Second",
        "line",
        "• one",
        "• two bold",
        "• three",
    ]


def test_links_become_numbered_references():
    text = html_to_text(
        '<p>See <a href="/a">the report</a> and <a href="https://x.org/b">this</a>.</p>'
        '<p>Again <a href="/a">the report</a>; <a href="javascript:evil()">js</a>; '
        '<a href="#top">top</a>; <a href="mailto:ed@x.org">mail</a></p>',
        base_url="http://example.org/news/",
    )
    assert text.split("\n") == [
        "See the report [1] and this [2].",
        "Again the report [1]; js; top; mail [3]",
        "Links:",
        "[1] http://example.org/a",
        "[2] https://x.org/b",
        "[3] mailto:ed@x.org",
    ]


def test_scripts_styles_frames_and_tracking_pixels_dropped():
    text = html_to_text(
        "<style>p{color:red}</style><script>alert('x')</script><p>Kept</p>"
        '<iframe src="http://ads"><p>fallback</p></iframe><noscript>enable js</noscript>'
        '<img src="http://feeds.feedburner.com/~r/x/~4/abc" height="1" width="1">'
        '<img src="http://stats.example.com/pixel.gif">'
        '<img src="/photo.jpg" alt="The minister at the podium">'
        '<img src="/photo2.jpg" alt="IMG_1234.jpg"><form><button>Go</button></form>'
    )
    assert text.split("\n") == ["Kept", "[image: The minister at the podium]"]


def test_entities_and_escape_sequences():
    text = html_to_text("<p>A &amp; B &mdash; &#x41;&nbsp;C \x1b[31mred\x1b[0m\x07</p>")
    assert text == "A & B — A C red"


def test_pre_keeps_lines_and_indentation():
    text = html_to_text("<p>Code:</p><pre>def f():\n    return 1\n</pre>")
    assert text.split("\n") == ["Code:", "def f():", "    return 1"]


def test_tables_rows_per_line():
    text = html_to_text("<table><tr><th>Team</th><th>Score</th></tr><tr><td>A</td><td>3</td></tr>")
    assert text.split("\n") == ["Team | Score", "A | 3"]


def test_broken_markup_still_gives_text():
    assert html_to_text("<p>Open <b>bold <i>both</p><p>next") == "Open bold both\nnext"
    assert html_to_text("plain text, no tags") == "plain text, no tags"
    assert html_to_text("") == ""


def test_arabic_text_is_kept():
    assert html_to_text("<p dir='rtl'>مرحبا <a href='http://x.org/'>بالعالم</a></p>") == (
        "مرحبا بالعالم [1]\nLinks:\n[1] http://x.org/"
    )


def test_inline_text_for_titles():
    assert inline_text("<b>Breaking</b>: A &amp; B\n\tnews") == "Breaking: A & B news"
    assert inline_text("Tom & Jerry") == "Tom & Jerry"
    assert inline_text("\x1b]0;title\x07Plain") == "Plain"
