"""OPML 2.0 import and export, nested outlines as categories."""

from __future__ import annotations

import pytest

from reader.sources.opml import OpmlError, export_opml, import_opml, parse_opml
from reader.store import Store

NESTED = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>My feeds</title></head>
  <body>
    <outline text="Top level" type="rss" xmlUrl="http://example.org/top.xml"/>
    <outline text="News">
      <outline text="World">
        <outline text="Al Jazeera" title="Al Jazeera" type="rss"
                 xmlUrl="https://example.net/aj.xml" htmlUrl="https://example.net/"/>
      </outline>
      <outline title="BBC" type="rss" xmlurl="http://example.com/bbc.xml"/>
    </outline>
    <outline text="Tech &amp; Science">
      <outline text="R&amp;D blog" type="rss" xmlUrl="http://example.com/rd?a=1&amp;b=2"/>
      <outline text="Local file" type="rss" xmlUrl="file:///etc/passwd"/>
    </outline>
  </body>
</opml>
"""


def test_parse_nested_outlines_as_categories():
    feeds = parse_opml(NESTED)
    assert [(f.url, f.title, f.category) for f in feeds] == [
        ("http://example.org/top.xml", "Top level", None),
        ("https://example.net/aj.xml", "Al Jazeera", "News/World"),
        ("http://example.com/bbc.xml", "BBC", "News"),
        ("http://example.com/rd?a=1&b=2", "R&D blog", "Tech & Science"),
        ("file:///etc/passwd", "Local file", "Tech & Science"),
    ]


def test_import_skips_other_schemes_and_keeps_existing(store: Store):
    store.add_feed("http://example.com/bbc.xml", "My BBC", "Mine")
    report = import_opml(store, NESTED)
    assert len(report.added) == 3
    assert [f.url for f in report.existing] == ["http://example.com/bbc.xml"]
    assert report.skipped[0][0] == "file:///etc/passwd"
    assert "only http" in report.skipped[0][1]
    by_url = {f.url: f for f in store.feeds()}
    assert by_url["http://example.com/bbc.xml"].title == "My BBC"  # not overwritten
    assert by_url["https://example.net/aj.xml"].category == "News/World"


def test_export_round_trips_through_import(store: Store, tmp_path):
    import_opml(store, NESTED)
    store.add_feed("http://example.org/untitled.xml")
    before = sorted((f.url, f.title, f.category) for f in store.feeds())
    text = export_opml(store.feeds())
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n<opml version="2.0">')
    other = Store(tmp_path / "other.sqlite3")
    try:
        report = import_opml(other, text.encode())
        after = sorted((f.url, f.title, f.category) for f in other.feeds())
    finally:
        other.close()
    assert after == before
    assert len(report.added) == len(before)


def test_bad_files_give_clear_errors():
    with pytest.raises(OpmlError, match="empty"):
        parse_opml(b"")
    with pytest.raises(OpmlError, match="not an OPML file"):
        parse_opml(b"<rss><channel/></rss>")
    with pytest.raises(OpmlError, match="entities"):
        parse_opml(
            b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa">]>'
            b"<opml><body><outline text='&a;' xmlUrl='http://x/'/></body></opml>"
        )
    # A hand-edited file with a bare "&" still imports.
    feeds = parse_opml(b"<opml><body><outline text='Q & A' xmlUrl='http://x.org/f'/></body></opml>")
    assert [f.url for f in feeds] == ["http://x.org/f"]
