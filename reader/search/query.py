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

Implementation notes: parsing builds Whoosh query objects directly (no Whoosh
QueryParser); every word goes through the same analyzer as the index; a malformed query
raises QueryError with a message naming the problem, never a crash or a silent empty
result. QUERY_HELP (the text above) is shown in the app's help.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from whoosh import query as wq

from reader.search.analysis import BilingualAnalyzer, PlainAnalyzer
from reader.search.scoring import ExactPhrase

# Fields of the index schema that queries may address; plain words search `content`
# (title and body indexed together, see reader.search.index.build_schema).
DEFAULT_FIELD = "content"
FIELD_NAMES = ("title", "source", "author")
FILTER_NAMES = ("lang", "is", "after", "before")
LANGUAGES = ("ar", "en")
IS_VALUES = {
    "unread": ("read", False),
    "read": ("read", True),
    "starred": ("starred", True),
    "unstarred": ("starred", False),
}
MIN_PREFIX = 2
# Straight, curly and Arabic/French quotes all make phrases: “…” and «…» are what
# many keyboards and Arabic text produce.
_QUOTES = {'"': '"', "“": "”", "«": "»"}
MAX_DEPTH = 50  # nested parentheses and negations, far beyond any real query
# What to write after each name:, for the "needs a value" message.
_EXAMPLES = {
    "title": "title:election",
    "source": "source:bbc",
    "author": "author:smith",
    "lang": "lang:ar",
    "is": "is:unread",
    "after": "after:2015-07-25",
    "before": "before:2015-08-01",
}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


# The user-facing part of the module docstring, for the app's help and the README.
QUERY_HELP = (__doc__ or "\n").split("\n", 1)[1].split("\nImplementation notes:")[0]


class QueryError(ValueError):
    """The query cannot be parsed; the message says what is wrong, for the user."""


def _excerpt(text: str, start: int, end: int | None = None, width: int = 30) -> str:
    """The query text from `start` (to `end`), trimmed, for quoting in a message."""
    part = text[start:end].strip()
    if len(part) > width:
        part = part[: width - 1] + "…"
    return part


_QUOTE_CHARS = set(_QUOTES) | set(_QUOTES.values()) | {"'"}


def _q(part: str) -> str:
    """`part` of the query in “…”, spaced from quote marks of its own (“ “ ”, not “““”)."""
    left = " " if part[:1] in _QUOTE_CHARS else ""
    right = " " if part[-1:] in _QUOTE_CHARS else ""
    return f"“{left}{part}{right}”"


# -- lexer ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # "(", ")", "OR", "AND", "NOT", "NEG", "WORD", "PHRASE"
    text: str = ""
    field: str | None = None
    at: int = 0


_SPECIAL = set("()") | set(_QUOTES)


def _lex(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        if c in "()":
            toks.append(_Tok(c, at=i))
            i += 1
            continue
        if c == "-" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] != ")":
            # A leading minus negates; inside a word (covid-19) it is just a character.
            toks.append(_Tok("NEG", at=i))
            i += 1
            continue
        if c == "-" and text[i + 1 :].lstrip()[:1] in ("", ")"):
            # A minus with nothing after it ("oil -", "(gas -)") leaves out nothing.
            raise QueryError(
                f"“-” needs a word right after it ({_q(_excerpt(text, max(0, i - 20)))}), as "
                "in oil -gas; or remove the “-”"
            )
        if c in _QUOTES:
            i, tok = _phrase(text, i, None)
            toks.append(tok)
            continue
        start = i
        while i < n and not text[i].isspace() and text[i] not in _SPECIAL:
            i += 1
        word = text[start:i]
        name, colon, value = word.partition(":")
        fieldname = name.lower()
        if colon and fieldname in FIELD_NAMES + FILTER_NAMES:
            if value:
                toks.append(_Tok("WORD", value, fieldname, start))
            elif i < n and text[i] in _QUOTES:
                i, tok = _phrase(text, i, fieldname)
                toks.append(tok)
            elif i < n and text[i] == "(" and fieldname in FIELD_NAMES:
                toks.append(_Tok("FIELD(", "", fieldname, start))
                i += 1
            else:
                raise QueryError(
                    f"{_q(word)} needs a value right after the colon, as in {_EXAMPLES[fieldname]}"
                )
            continue
        if word in ("OR", "AND", "NOT"):
            toks.append(_Tok(word, at=start))
        else:
            toks.append(_Tok("WORD", word, None, start))
    return toks


def _phrase(text: str, i: int, fieldname: str | None) -> tuple[int, _Tok]:
    opening = text[i]
    close = _QUOTES[opening]
    end = text.find(close, i + 1)
    if end < 0:
        rest = text[i + 1 :].strip()
        if rest:
            raise QueryError(f"unclosed quote: add a closing {close} after {_q(_excerpt(rest, 0))}")
        # The quote ends the query: name what comes before it ("a "b c" has one too many).
        raise QueryError(
            f"unclosed quote: the {opening} at the end of {_q(_excerpt(text, max(0, i - 20)))} "
            f"has no closing {close}; remove it, or put words after it and a closing {close}"
        )
    if not text[i + 1 : end].strip():
        where = "at the start" if i == 0 else f"after {_q(_excerpt(text, max(0, i - 20), i))}"
        if not text[:i].strip():
            where = "at the start"
        raise QueryError(
            f"empty phrase: nothing between the {opening} and {close} {where}; put words "
            "between them or remove them"
        )
    if fieldname in FILTER_NAMES:  # is:"unread" is just is:unread
        return end + 1, _Tok("WORD", text[i + 1 : end].strip(), fieldname, i)
    return end + 1, _Tok("PHRASE", text[i + 1 : end], fieldname, i)


# -- syntax tree -------------------------------------------------------------------------
@dataclass(slots=True)
class _Node:
    kind: str  # "and", "or", "not", "word", "phrase", "filter"
    children: list[_Node] = field(default_factory=list)
    text: str = ""
    field: str | None = None


class _Parser:
    def __init__(self, toks: list[_Tok], text: str = "") -> None:
        self.toks = toks
        self.text = text
        self.i = 0
        self.depth = 0  # open parentheses and negations around the current point
        self.groups = 0  # open parentheses only

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self) -> _Node:
        node = self.or_expr(None)
        tok = self.peek()
        if tok is not None:
            # Only a stray ")" can stop the top-level expression early.
            raise QueryError(self._unmatched(tok))
        return node

    def or_expr(self, fieldname: str | None) -> _Node:
        items = [self.and_expr(fieldname)]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.take()
            items.append(self.and_expr(fieldname))
        return items[0] if len(items) == 1 else _Node("or", items)

    def and_expr(self, fieldname: str | None) -> _Node:
        items: list[_Node] = []
        while (tok := self.peek()) is not None and tok.kind not in ("OR", ")"):
            if tok.kind == "AND":
                self.take()
                if not items:
                    raise QueryError("AND needs a word before it")
                nxt = self.peek()
                if nxt is None or nxt.kind in ("OR", "AND", ")"):
                    raise QueryError("AND needs a word after it")
                continue
            items.append(self.unary(fieldname))
        if not items:
            tok = self.peek()
            if tok is None and self.i == 0:
                raise QueryError("empty query: type some words to search for")
            before = self.toks[self.i - 1] if self.i else None
            if tok is not None and tok.kind == ")" and self.groups == 0:
                raise QueryError(self._unmatched(tok))
            if before is not None and before.kind in ("(", "FIELD("):
                if tok is not None and tok.kind == ")":
                    raise QueryError(
                        f"empty parentheses {_q(self._excerpt(before.at, tok.at + 1))}: put "
                        "words inside or remove them"
                    )
                raise QueryError(
                    f"unclosed parenthesis {_q(self._excerpt(before.at))}: put words after the "
                    "“(” and close it with a “)”"
                )
            if before is not None and before.kind in ("OR", "AND", "NOT", "NEG"):
                raise QueryError(
                    f"{_op_name(before.kind)} needs a word after it "
                    f"({_q(self._excerpt(max(0, before.at - 20)))})"
                )
            raise QueryError(f"OR needs a word on each side ({_q(self._excerpt(0))})")
        return items[0] if len(items) == 1 else _Node("and", items)

    def _excerpt(self, start: int, end: int | None = None) -> str:
        return _excerpt(self.text, start, end) or self.text.strip()[:30]

    def _unmatched(self, tok: _Tok) -> str:
        return (
            f"unmatched “)” in {_q(self._excerpt(max(0, tok.at - 20), tok.at + 1))}: remove it "
            "or add a “(” before it"
        )

    def _nest(self, tok: _Tok) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(
                f"too deeply nested at {_q(self._excerpt(tok.at))}: use at most {MAX_DEPTH} "
                "levels of parentheses and minus signs"
            )

    def unary(self, fieldname: str | None) -> _Node:
        tok = self.take()
        if tok.kind in ("NOT", "NEG"):
            nxt = self.peek()
            if nxt is None or nxt.kind in ("OR", "AND", ")"):
                raise QueryError(
                    f"{_op_name(tok.kind)} needs a word after it "
                    f"({_q(self._excerpt(max(0, tok.at - 20)))})"
                )
            self._nest(tok)
            node = _Node("not", [self.unary(fieldname)])
            self.depth -= 1
            return node
        if tok.kind in ("(", "FIELD("):
            inner = tok.field if tok.kind == "FIELD(" else fieldname
            self._nest(tok)
            self.groups += 1
            node = self.or_expr(inner)
            close = self.peek()
            if close is None or close.kind != ")":
                raise QueryError(
                    f"unclosed parenthesis {_q(self._excerpt(tok.at))}: add a “)” after it"
                )
            self.take()
            self.groups -= 1
            self.depth -= 1
            return _Node("group", [node])
        if tok.kind == "PHRASE":
            return _Node("phrase", text=tok.text, field=tok.field or fieldname)
        if tok.kind == "WORD":
            if tok.field in FILTER_NAMES:
                return _Node("filter", text=tok.text, field=tok.field)
            return _Node("word", text=tok.text, field=tok.field or fieldname)
        raise QueryError(f"unexpected {_op_name(tok.kind)} in {_q(self._excerpt(tok.at))}")


def _op_name(kind: str) -> str:
    return {"NEG": "“-”", "(": "“(”", ")": "“)”"}.get(kind, kind)


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

    def compile(self, node: _Node, *, top: bool, positive: bool) -> wq.Query | None:
        kind = node.kind
        if kind == "group":
            return self.compile(node.children[0], top=False, positive=positive)
        if kind == "and":
            parts = [self.compile(c, top=top, positive=positive) for c in node.children]
            kept = [p for p in parts if p is not None]
            if not kept:
                return None
            return kept[0] if len(kept) == 1 else wq.And(kept)
        if kind == "or":
            parts = [self.compile(c, top=False, positive=positive) for c in node.children]
            kept = [p for p in parts if p is not None]
            if not kept:
                return None
            return kept[0] if len(kept) == 1 else wq.Or(kept)
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
            raise QueryError(f"{_q(text)}: * is allowed only at the end of a word, as in econom*")
        analyzer = _PLAIN if fieldname == "source" else _ANALYZER
        forms = analyzer.prefix_terms(stem)
        if not forms or len(stem.strip()) < MIN_PREFIX or len(forms[0]) < MIN_PREFIX:
            raise QueryError(
                f"{_q(text)}: put at least {MIN_PREFIX} letters before * (too many words match)"
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
            raise QueryError(f"unknown {_q('is:' + value)}: use one of {known}") from None

    def _filter(self, node: _Node, *, top: bool, include: bool = True) -> wq.Query | None:
        """Top-level filters are kept aside (applied as document sets, which is much
        faster than intersecting); nested ones (inside OR or NOT) become Whoosh queries."""
        name, value = node.field, node.text
        if name == "is":
            flag, wanted = self._is_value(value)
            if not top:
                raise QueryError(
                    f"{_q('is:' + value)} narrows the whole search, so it cannot be used "
                    "inside OR, NOT or parentheses"
                )
            self.flags.append((flag, wanted if include else not wanted))
            return None
        if name == "lang":
            lang = value.lower()
            if lang not in LANGUAGES:
                raise QueryError(f"unknown language {_q('lang:' + value)}: use lang:ar or lang:en")
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
        f"bad date {_q(name + ':' + value)}: write a real day as YYYY-MM-DD, e.g. {name}:2015-07-25"
    )


def parse_query(text: str) -> ParsedQuery:
    """Parse the query language (see the module docstring). Raises QueryError."""
    if not text or not text.strip():
        raise QueryError("empty query: type some words to search for")
    node = _Parser(_lex(text), text).parse()
    compiler = _Compiler()
    query = compiler.compile(node, top=True, positive=True)
    filtered = compiler.flags or compiler.langs or compiler.since is not None
    filtered = filtered or compiler.until is not None
    if query is None and not filtered:
        raise QueryError(
            f"nothing to search for in {_q(_excerpt(text, 0))}: the query has only very common "
            "words (such as “the” or “في”), which are not indexed, or no letters or digits; "
            "add a more specific word"
        )
    flags: dict[str, bool] = {}
    for flag, value in compiler.flags:
        if flags.get(flag, value) != value:
            raise QueryError(
                f"the query asks for both {flag} and not {flag} articles "
                f"({_q(_excerpt(text, 0))}): remove one of the is: filters"
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
