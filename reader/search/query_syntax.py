"""The query language's syntax: query text to a tree of words, phrases, filters and
operators, with a message for the user wherever the text cannot be understood.

Apart from reader.search.query, which turns the tree into Whoosh queries (analysed terms,
date ranges, filters): this part knows nothing of the index, so every error message about
the text itself lives here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reader.text.i18n import N_, _

# Names that may stand before a colon: fields of the index schema, and filters.
FIELD_NAMES = ("title", "source", "author")
FILTER_NAMES = ("lang", "is", "after", "before")
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


class QueryError(ValueError):
    """The query cannot be parsed; the message says what is wrong, for the user, in the
    interface's language. `message` is a catalog message (marked with `N_`) with `{name}`
    fields, filled with `fields` (parts of the query: never translated); `english` is the
    message in English, for machine-readable output (`search --json`)."""

    def __init__(self, message: str, **fields: object) -> None:
        self.english = message.format(**fields)
        super().__init__(_(message).format(**fields))


def excerpt(text: str, start: int, end: int | None = None, width: int = 30) -> str:
    """The query text from `start` (to `end`), trimmed, for quoting in a message."""
    part = text[start:end].strip()
    if len(part) > width:
        part = part[: width - 1] + "…"
    return part


_QUOTE_CHARS = set(_QUOTES) | set(_QUOTES.values()) | {"'"}


def quoted(part: str) -> str:
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
                N_("“-” needs a word right after it ({part}), as in oil -gas; or remove the “-”"),
                part=quoted(excerpt(text, max(0, i - 20))),
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
                    N_("{word} needs a value right after the colon, as in {example}"),
                    word=quoted(word),
                    example=_EXAMPLES[fieldname],
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
            raise QueryError(
                N_("unclosed quote: add a closing {close} after {part}"),
                close=close,
                part=quoted(excerpt(rest, 0)),
            )
        # The quote ends the query: name what comes before it ("a "b c" has one too many).
        raise QueryError(
            N_(
                "unclosed quote: the {opening} at the end of {part} has no closing {close}; "
                "remove it, or put words after it and a closing {close}"
            ),
            opening=opening,
            part=quoted(excerpt(text, max(0, i - 20))),
            close=close,
        )
    if not text[i + 1 : end].strip():
        if not text[:i].strip():
            raise QueryError(
                N_(
                    "empty phrase: nothing between the {opening} and {close} at the start; put "
                    "words between them or remove them"
                ),
                opening=opening,
                close=close,
            )
        raise QueryError(
            N_(
                "empty phrase: nothing between the {opening} and {close} after {part}; put "
                "words between them or remove them"
            ),
            opening=opening,
            close=close,
            part=quoted(excerpt(text, max(0, i - 20), i)),
        )
    if fieldname in FILTER_NAMES:  # is:"unread" is just is:unread
        return end + 1, _Tok("WORD", text[i + 1 : end].strip(), fieldname, i)
    return end + 1, _Tok("PHRASE", text[i + 1 : end], fieldname, i)


# -- syntax tree -------------------------------------------------------------------------
@dataclass(slots=True)
class Node:
    """One node of the syntax tree; `field` is the field: or filter name in force."""

    kind: str  # "and", "or", "not", "word", "phrase", "filter"
    children: list[Node] = field(default_factory=list)
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

    def parse(self) -> Node:
        node = self.or_expr(None)
        tok = self.peek()
        if tok is not None:
            # Only a stray ")" can stop the top-level expression early.
            raise self._unmatched(tok)
        return node

    def or_expr(self, fieldname: str | None) -> Node:
        items = [self.and_expr(fieldname)]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.take()
            items.append(self.and_expr(fieldname))
        return items[0] if len(items) == 1 else Node("or", items)

    def and_expr(self, fieldname: str | None) -> Node:
        items: list[Node] = []
        while (tok := self.peek()) is not None and tok.kind not in ("OR", ")"):
            if tok.kind == "AND":
                self.take()
                if not items:
                    raise QueryError(N_("AND needs a word before it"))
                nxt = self.peek()
                if nxt is None or nxt.kind in ("OR", "AND", ")"):
                    raise QueryError(N_("AND needs a word after it"))
                continue
            items.append(self.unary(fieldname))
        if not items:
            tok = self.peek()
            if tok is None and self.i == 0:
                raise QueryError(N_("empty query: type some words to search for"))
            before = self.toks[self.i - 1] if self.i else None
            if tok is not None and tok.kind == ")" and self.groups == 0:
                raise self._unmatched(tok)
            if before is not None and before.kind in ("(", "FIELD("):
                if tok is not None and tok.kind == ")":
                    raise QueryError(
                        N_("empty parentheses {part}: put words inside or remove them"),
                        part=quoted(self._excerpt(before.at, tok.at + 1)),
                    )
                raise QueryError(
                    N_(
                        "unclosed parenthesis {part}: put words after the “(” and close it "
                        "with a “)”"
                    ),
                    part=quoted(self._excerpt(before.at)),
                )
            if before is not None and before.kind in ("OR", "AND", "NOT", "NEG"):
                raise QueryError(
                    N_("{operator} needs a word after it ({part})"),
                    operator=_op_name(before.kind),
                    part=quoted(self._excerpt(max(0, before.at - 20))),
                )
            raise QueryError(
                N_("OR needs a word on each side ({part})"), part=quoted(self._excerpt(0))
            )
        return items[0] if len(items) == 1 else Node("and", items)

    def _excerpt(self, start: int, end: int | None = None) -> str:
        return excerpt(self.text, start, end) or self.text.strip()[:30]

    def _unmatched(self, tok: _Tok) -> QueryError:
        return QueryError(
            N_("unmatched “)” in {part}: remove it or add a “(” before it"),
            part=quoted(self._excerpt(max(0, tok.at - 20), tok.at + 1)),
        )

    def _nest(self, tok: _Tok) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(
                N_(
                    "too deeply nested at {part}: use at most {depth} levels of parentheses "
                    "and minus signs"
                ),
                part=quoted(self._excerpt(tok.at)),
                depth=MAX_DEPTH,
            )

    def unary(self, fieldname: str | None) -> Node:
        tok = self.take()
        if tok.kind in ("NOT", "NEG"):
            nxt = self.peek()
            if nxt is None or nxt.kind in ("OR", "AND", ")"):
                raise QueryError(
                    N_("{operator} needs a word after it ({part})"),
                    operator=_op_name(tok.kind),
                    part=quoted(self._excerpt(max(0, tok.at - 20))),
                )
            self._nest(tok)
            node = Node("not", [self.unary(fieldname)])
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
                    N_("unclosed parenthesis {part}: add a “)” after it"),
                    part=quoted(self._excerpt(tok.at)),
                )
            self.take()
            self.groups -= 1
            self.depth -= 1
            return Node("group", [node])
        if tok.kind == "PHRASE":
            return Node("phrase", text=tok.text, field=tok.field or fieldname)
        if tok.kind == "WORD":
            if tok.field in FILTER_NAMES:
                return Node("filter", text=tok.text, field=tok.field)
            return Node("word", text=tok.text, field=tok.field or fieldname)
        raise QueryError(
            N_("unexpected {operator} in {part}"),
            operator=_op_name(tok.kind),
            part=quoted(self._excerpt(tok.at)),
        )


def _op_name(kind: str) -> str:
    return {"NEG": "“-”", "(": "“(”", ")": "“)”"}.get(kind, kind)


def parse_syntax(text: str) -> Node:
    """The syntax tree of `text`. Raises QueryError naming what to fix."""
    return _Parser(_lex(text), text).parse()
