"""Parsing RSS 0.9x/1.0/2.0 and Atom, well-formed or not, and refusing XML bombs."""

from __future__ import annotations

import resource
import subprocess
import sys

import pytest

from reader.models import Feed
from reader.sources.feeds import FeedFormatError, entries_to_articles, parse_feed
from tests.conftest import REPO

RSS091 = b"""<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
  "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old</title><language>en-us</language>
<item><title>Ninety-one</title><link>http://example.org/91</link>
<description>An old item</description></item></channel></rss>"""

RSS10 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
  xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://example.org/"><title>RDF</title><link>http://example.org/</link>
<description>d</description><dc:language>ar</dc:language></channel>
<item rdf:about="http://example.org/r1"><title>R1</title><link>http://example.org/r1</link>
<dc:date>2021-09-06T16:45:00Z</dc:date><dc:creator>Writer</dc:creator>
<description>One</description></item></rdf:RDF>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><title>Atom</title>
<link href="http://example.org/"/>
<entry><title type="html">A &amp;amp; B</title><id>tag:example.org,2021:1</id>
<link rel="alternate" href="/posts/1"/><updated>2021-09-06T16:45:00Z</updated>
<author><name>Ann</name></author><summary>Short</summary>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Para <b>one</b></p>
<ul><li>item</li></ul><p>%s</p></div></content></entry>
<entry><title>Plain</title><id>tag:example.org,2021:2</id><link href="http://example.org/2"/>
<content type="text">Less &lt;than&gt; text</content></entry></feed>"""


def test_rss_091_with_netscape_doctype():
    parsed = parse_feed(RSS091, url="http://example.org/feed")
    assert parsed.title == "Old" and parsed.language == "en-us"
    (entry,) = parsed.entries
    assert (entry.title, entry.url) == ("Ninety-one", "http://example.org/91")


def test_rss_10():
    parsed = parse_feed(RSS10, url="http://example.org/feed")
    (entry,) = parsed.entries
    assert entry.url == "http://example.org/r1"
    assert entry.published is not None and entry.published.isoformat().startswith("2021-09-06")
    assert entry.author == "Writer"


def test_atom_content_types_and_relative_links():
    long = b" ".join([b"A long paragraph makes this a whole story."] * 30)
    parsed = parse_feed(ATOM.replace(b"%s", long), url="http://example.org/feed.atom")
    articles = [c.article for c in entries_to_articles(parsed, Feed(1, "http://example.org/f"))]
    first, second = articles
    assert first.title == "A & B"
    assert first.url == "http://example.org/posts/1"
    assert first.guid == "tag:example.org,2021:1"
    assert first.body.split("\n") == ["Para one", "• item", long.decode()]
    assert first.summary == "Short"
    assert first.author == "Ann" and first.language == "en"
    assert second.body == "Less <than> text"  # type="text" is not HTML


def test_guid_less_entries_dedupe_by_link_and_short_guids_are_namespaced():
    data = (
        b'<rss version="2.0"><channel><title>T</title>'
        b"<item><title>A</title><link>http://example.org/a</link></item>"
        b"<item><title>B</title><link>http://example.org/b</link><guid>42</guid></item>"
        b"</channel></rss>"
    )
    articles = [
        c.article for c in entries_to_articles(parse_feed(data), Feed(1, "http://example.org/feed"))
    ]
    assert articles[0].url == "http://example.org/a"
    assert articles[1].guid == "http://example.org/feed#42"


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty response"),
        (b"   \n", "empty response"),
        (b"<html><body>Hi</body></html>", "web page"),
        (b"<note><to>x</to></note>", "not an RSS or Atom feed"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not an RSS or Atom feed"),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<rss><channel><title>&x;</title></channel></rss>",
            "declares XML entities",
        ),
    ],
)
def test_not_feeds(data: bytes, message: str):
    with pytest.raises(FeedFormatError, match=message):
        parse_feed(data, url="http://example.org/feed")


def test_entity_bomb_is_refused_without_memory_blowup():
    """Run in a child with a 512 MB address-space cap: expansion would need gigabytes."""
    code = (
        "import resource\n"
        "resource.setrlimit(resource.RLIMIT_AS, (512 * 2**20, 512 * 2**20))\n"
        "from reader.sources.feeds import parse_feed, FeedFormatError\n"
        "ents = ''.join('<!ENTITY l%d \"%s\">' % (i, ('&l%d;' % (i - 1)) * 10 if i else 'lol' * 10)"
        " for i in range(12))\n"
        "doc = ('<?xml version=\"1.0\"?><!DOCTYPE r [' + ents + ']><rss version=\"2.0\">'"
        " '<channel><title>&l11;</title><item><title>&l11;</title></item></channel></rss>')\n"
        "for variant in (doc, doc.replace('<rss', '<rss bad=')):\n"
        "    try:\n"
        "        parse_feed(variant.encode())\n"
        "    except FeedFormatError as error:\n"
        "        print(error)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.count("declares XML entities") == 2
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 512 * 1024


def test_malformed_documents_keep_their_text():
    data = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        b"<item><title>Fish &amp; Chips & peas&nbsp;&eacute;</title>"
        b"<link>http://example.org/?a=1&b=2</link></item>"
        b"<item><title>Unclosed <b>tag</title><link>http://example.org/2</link></item>"
    )  # and no closing tags at all
    parsed = parse_feed(data, url="http://example.org/feed")
    assert parsed.parser == "feedparser"
    articles = [c.article for c in entries_to_articles(parsed, Feed(1, "http://example.org/f"))]
    assert articles[0].title == "Fish & Chips & peas é"
    assert articles[0].url == "http://example.org/?a=1&b=2"
    assert articles[1].title == "Unclosed tag"


def test_control_characters_take_the_fast_road():
    data = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        b"<item><title>Bad\x0bchar\x1f here</title><link>http://example.org/1</link></item>"
        b"</channel></rss>"
    )
    parsed = parse_feed(data)
    assert parsed.parser == "fastfeedparser"
    assert parsed.entries[0].title == "Badchar here"
