"""The search query language.

Words are found in titles and bodies in all their forms: plurals and other endings
(run, runs, running); Arabic with or without ال, و, بال, كال, فال, لل (الحكومة، حكومة،
للحكومة، والحكومة، وللحكومة، حكومات); any hamza form (أ إ آ ا); ة or ه; ى or ي; with or
without harakat and tatweel; Arabic-Indic digits match Latin ones (٣ = 3). Very common
words (the, of, في, من) are not indexed and are ignored.

  oil prices            both words (AND is implied; AND may be written)
  oil OR gas            either word (OR in capitals)
  oil -gas              oil but not gas; also: oil NOT gas
  "interest rates"      these words next to each other, in this order (“…” and «…» too)
  econom*               words starting with econom (2 letters or more before *)
  (oil OR gas) prices   parentheses group
  كُرَة القَدَم           Arabic works the same way, harakat or not

Fields
  title:election        only in titles; also title:"general election", title:(a OR b)
  source:bbc            only from sources whose name has this word
  author:smith          only by this author

Filters
  lang:ar  lang:en      Arabic or English articles
  is:unread  is:read    unread or read articles
  is:starred  is:unstarred
  after:2015-07-25      published on or after that day (UTC)
  before:2015-08-01     published before that day (UTC); undated articles never match
  -lang:ar, -is:read    a leading minus negates a filter too

A query can be only filters (is:starred lang:ar): the matching articles, newest first.
is: filters apply to the whole search, so they cannot be put inside OR, NOT or
parentheses. Results are ranked by relevance (title words count three times), or
sorted newest first. A query that cannot be understood (unclosed quote or
parenthesis, a date such as after:2015-13-45, an unknown is: or lang: value, an
empty query) is answered with a message saying what to fix.

Implementation notes: reader.search.query_syntax turns the text into a syntax tree, and
this module builds Whoosh query objects from it directly (no Whoosh QueryParser); every
word goes through the same analyzer as the index; a malformed query raises QueryError
with a message naming the problem, never a crash or a silent empty result. QUERY_HELP
(the text above) is shown in the app's help.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from whoosh import query as wq

from reader.search.analysis import BilingualAnalyzer, PlainAnalyzer
from reader.search.query_syntax import Node, QueryError, excerpt, parse_syntax, quoted
from reader.search.scoring import ExactPhrase
from reader.text.i18n import N_

__all__ = ["QUERY_HELP", "HighlightTerms", "ParsedQuery", "QueryError", "parse_query"]

# Plain words search `content` (title and body indexed together, see
# reader.search.schema.build_schema).
DEFAULT_FIELD = "content"
LANGUAGES = ("ar", "en")
IS_VALUES = {
    "unread": ("read", False),
    "read": ("read", True),
    "starred": ("starred", True),
    "unstarred": ("starred", False),
}
MIN_PREFIX = 2
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


# The user-facing part of the module docstring, for the app's help and the README.
QUERY_HELP = (__doc__ or "\n").split("\n", 1)[1].split("\nImplementation notes:")[0]


# -- compiling to Whoosh ---------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class HighlightTerms:
    """What to highlight: analysed terms, term prefixes and phrases (term sequences)."""

    terms: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms or self.prefixes or self.phrases)


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A parsed query: the Whoosh query (None when there are only filters) and the rest."""

    text: str
    query: wq.Query | None
    flags: tuple[tuple[str, bool], ...]  # ("read"|"starred", value) from is:
    highlight: HighlightTerms
    has_text: bool  # some positive word or phrase: relevance ranking makes sense
    langs: tuple[tuple[str, bool], ...] = ()  # (language, include) from top-level lang:
    since: int | None = None  # top-level after: as seconds since 1970 UTC (inclusive)
    until: int | None = None  # top-level before: (exclusive)

    @property
    def has_filters(self) -> bool:
        return bool(self.flags or self.langs) or self.since is not None or self.until is not None


_ANALYZER = BilingualAnalyzer()
_PLAIN = PlainAnalyzer()


class _Compiler:
    def __init__(self) -> None:
        self.terms: set[str] = set()
        self.prefixes: list[str] = []
        self.phrases: list[tuple[str, ...]] = []
        self.flags: list[tuple[str, bool]] = []
        self.langs: list[tuple[str, bool]] = []
        self.since: int | None = None  # published >= since (seconds, UTC)
        self.until: int | None = None  # published < until
        self.has_text = False

    def compile(self, node: Node, *, top: bool, positive: bool) -> wq.Query | None:
        kind = node.kind
        if kind == "group":
            return self.compile(node.children[0], top=False, positive=positive)
        if kind in ("and", "or"):
            # Filters directly under a top-level AND still narrow the whole search.
            inner_top = top and kind == "and"
            parts = [self.compile(c, top=inner_top, positive=positive) for c in node.children]
            kept = [p for p in parts if p is not None]
            if len(kept) <= 1:
                return kept[0] if kept else None
            return wq.And(kept) if kind == "and" else wq.Or(kept)
        if kind == "not":
            child = node.children[0]
            if child.kind == "filter" and top:
                # -is:read, -lang:ar, -after:D: still a filter on the whole search.
                return self._filter(child, top=True, include=False)
            inner = self.compile(child, top=False, positive=not positive)
            return None if inner is None else wq.Not(inner)
        if kind == "filter":
            return self._filter(node, top=top)
        if kind == "phrase":
            return self._text(node.text, node.field, positive=positive)
        return self._word(node.text, node.field, positive=positive)

    # -- leaves ----------------------------------------------------------------------------

    def _note(self, fieldname: str | None, terms: list[str], positive: bool) -> None:
        if not positive:
            return
        self.has_text = True
        if fieldname in (None, "title"):
            if len(terms) == 1:
                self.terms.add(terms[0])
            else:
                self.phrases.append(tuple(terms))

    def _text(self, text: str, fieldname: str | None, *, positive: bool) -> wq.Query | None:
        """A word or a quoted phrase: both analysed; several terms make a phrase."""
        analyzer = _PLAIN if fieldname == "source" else _ANALYZER
        terms = analyzer.terms(text)
        if not terms:
            return None  # only stop words or punctuation
        self._note(fieldname, terms, positive)
        name = fieldname or DEFAULT_FIELD
        if len(terms) == 1:
            return wq.Term(name, terms[0])
        return ExactPhrase(name, terms)  # "covid-19" or a quoted phrase: the words in order

    def _word(self, text: str, fieldname: str | None, *, positive: bool) -> wq.Query | None:
        if "*" not in text:
            return self._text(text, fieldname, positive=positive)
        stem = text[:-1]
        if not text.endswith("*") or "*" in stem:
            raise QueryError(
                N_("{word}: * is allowed only at the end of a word, as in econom*"),
                word=quoted(text),
            )
        analyzer = _PLAIN if fieldname == "source" else _ANALYZER
        forms = analyzer.prefix_terms(stem)
        if not forms or len(stem.strip()) < MIN_PREFIX or len(forms[0]) < MIN_PREFIX:
            raise QueryError(
                N_("{word}: put at least {letters} letters before * (too many words match)"),
                word=quoted(text),
                letters=MIN_PREFIX,
            )
        if positive:
            self.has_text = True
            if fieldname in (None, "title"):
                self.prefixes.extend(forms)
        parts: list[wq.Query] = [wq.Prefix(fieldname or DEFAULT_FIELD, f) for f in forms]
        return parts[0] if len(parts) == 1 else wq.Or(parts)

    def _is_value(self, value: str) -> tuple[str, bool]:
        try:
            return IS_VALUES[value.lower()]
        except KeyError:
            known = ", ".join(f"is:{v}" for v in IS_VALUES)
            raise QueryError(
                N_("unknown {filter}: use one of {known}"),
                filter=quoted("is:" + value),
                known=known,
            ) from None

    def _filter(self, node: Node, *, top: bool, include: bool = True) -> wq.Query | None:
        """Top-level filters are kept aside (applied as document sets, which is much
        faster than intersecting); nested ones (inside OR or NOT) become Whoosh queries."""
        name, value = node.field, node.text
        if name == "is":
            flag, wanted = self._is_value(value)
            if not top:
                raise QueryError(
                    N_(
                        "{filter} narrows the whole search, so it cannot be used inside OR, NOT "
                        "or parentheses"
                    ),
                    filter=quoted("is:" + value),
                )
            self.flags.append((flag, wanted if include else not wanted))
            return None
        if name == "lang":
            lang = value.lower()
            if lang not in LANGUAGES:
                raise QueryError(
                    N_("unknown language {filter}: use lang:ar or lang:en"),
                    filter=quoted("lang:" + value),
                )
            if top:
                self.langs.append((lang, include))
                return None
            return wq.Term("lang", lang)
        day = _parse_day(name or "", value)
        stamp = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
        after = (name == "after") == include  # -after:D means before:D
        if top:
            if after:
                self.since = stamp if self.since is None else max(self.since, stamp)
            else:
                self.until = stamp if self.until is None else min(self.until, stamp)
            return None
        if name == "after":
            return wq.NumericRange("published", stamp, None)
        return wq.NumericRange("published", None, stamp - 1)


def _parse_day(name: str, value: str) -> date:
    if _DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise QueryError(
        N_("bad date {filter}: write a real day as YYYY-MM-DD, e.g. {name}:2015-07-25"),
        filter=quoted(name + ":" + value),
        name=name,
    )


def parse_query(text: str) -> ParsedQuery:
    """Parse the query language (see the module docstring). Raises QueryError."""
    if not text or not text.strip():
        raise QueryError(N_("empty query: type some words to search for"))
    node = parse_syntax(text)
    compiler = _Compiler()
    query = compiler.compile(node, top=True, positive=True)
    filtered = compiler.flags or compiler.langs or compiler.since is not None
    filtered = filtered or compiler.until is not None
    if query is None and not filtered:
        raise QueryError(
            N_(
                "nothing to search for in {part}: the query has only very common words (such "
                "as “the” or “في”), which are not indexed, or no letters or digits; add a more "
                "specific word"
            ),
            part=quoted(excerpt(text, 0)),
        )
    flags: dict[str, bool] = {}
    for flag, value in compiler.flags:
        if flags.get(flag, value) != value:
            raise QueryError(
                N_(
                    "the query asks for both {flag} and not {flag} articles ({part}): remove "
                    "one of the is: filters"
                ),
                flag=flag,
                part=quoted(excerpt(text, 0)),
            )
        flags[flag] = value
    highlight = HighlightTerms(
        frozenset(compiler.terms), tuple(dict.fromkeys(compiler.prefixes)), tuple(compiler.phrases)
    )
    return ParsedQuery(
        text,
        query,
        tuple(flags.items()),
        highlight,
        compiler.has_text,
        tuple(dict.fromkeys(compiler.langs)),
        compiler.since,
        compiler.until,
    )
