"""One analyzer for English and Arabic text, used for indexing, queries and highlighting.

Every token is switched by script:

* Arabic-letter tokens: normalised like Lucene's ArabicNormalizer (آ أ إ ٱ → ا, ى → ي,
  ة → ه, Persian ک ی → ك ي, tatweel and every Arabic mark deleted), Arabic stop words
  dropped, then a light stemmer: Lucene's "light10" rules (Larkey et al.) plus the
  prefixes ولل and وبال, and a fix for light10's known weakness, stripping a و that
  belongs to the word (وزارة → زار). A و is kept when the word, with its suffixes
  stripped, is a stem that the corpus shows with the article in front of the و (الوزارة,
  بالوزير ...); the one-letter prefixes ب ل ك ف come off such a word too (بولاية, لوزير),
  unless the letter is the word's own (اللواء, «فورد»): see `ArabicLightStemmer`;
  measured in benchmarks/bench_stemmer.py.
* Other tokens: Arabic-Indic and Persian digits mapped to 0-9, case-folded, accents
  folded, English stop words dropped, Snowball English stemmer (PyStemmer).

The tokenizer keeps Arabic words whole, harakat and tatweel included (Python's ``\\w``
does not match harakat, which would split كَتَبَ into letters), and reports positions and
character offsets into the original text, so phrases and highlighting work.

The analyzer is pickled into Whoosh's schema: it keeps no state worth pickling (the
PyStemmer objects and the term cache are built lazily, per thread for the stemmer).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

import Stemmer
from whoosh.analysis import Analyzer, Token

# Bump when anything here changes the terms produced: the index stores this and rebuilds.
ANALYZER_VERSION = 2

# Separates a title from its body in one indexed value: tokens before it weigh
# TITLE_WEIGHT (term weight, as in BM25F), and positions jump so no phrase spans the two.
FIELD_BREAK = "\x1e"
TITLE_WEIGHT = 3.0

# -- character classes -------------------------------------------------------------------
_AR_LETTERS = (
    "\u0620-\u063f\u0641-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc"
    "\u06ff\u0750-\u077f\u08a0-\u08c9\ufb50-\ufd3d\ufd50-\ufdc7\ufdf0-\ufdfb"
    "\ufe70-\ufe74\ufe76-\ufefc"
)
# Harakat and other Arabic combining marks (the ranges from search.md plus Extended-A).
_AR_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u08ca-\u08ff"
_TATWEEL = "\u0640"

_ARABIC_WORD = f"[{_AR_LETTERS}][{_AR_LETTERS}{_AR_MARKS}{_TATWEEL}]*"
# Word characters outside the Arabic blocks, except the Arabic-Indic and Persian digits.
_ARABIC_BLOCKS_BUT_DIGITS = (
    "\u0600-\u065f\u066a-\u06ef\u06fa-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
)
_OTHER_CHAR = f"[^\\W_{_ARABIC_BLOCKS_BUT_DIGITS}]"
_LATIN_MARKS = "[\u0300-\u036f]"  # decomposed accents stay inside the word
_OTHER_RUN = f"{_OTHER_CHAR}+(?:{_LATIN_MARKS}+{_OTHER_CHAR}*)*"
# 3.5, 1,000 and ٣٫٥ stay one token; don't and Blair's too (the stemmer drops 's). Runs
# first, lookarounds only at separators: this form is 35% faster than a per-character
# alternation, with the same tokens.
_OTHER_WORD = (
    f"{_OTHER_RUN}"
    r"(?:(?:(?<=\d)[.,\u066b\u066c](?=\d)|(?<=[^\W\d_])['\u2019](?=[^\W\d_]))"
    f"{_OTHER_RUN})*"
)
TOKEN_PATTERN = re.compile(f"{_ARABIC_WORD}|{_OTHER_WORD}")

_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")

# Lucene ArabicNormalizer, plus alef wasla and the Persian forms of kaf and yeh, which
# Arabic news written on Persian keyboards uses.
_AR_TABLE: dict[int, int | None] = {
    0x0622: 0x0627,  # آ
    0x0623: 0x0627,  # أ
    0x0625: 0x0627,  # إ
    0x0671: 0x0627,  # ٱ
    0x0649: 0x064A,  # ى
    0x0629: 0x0647,  # ة
    0x06A9: 0x0643,  # ک
    0x06CC: 0x064A,  # ی
    0x0640: None,  # tatweel
}
for _lo, _hi in ((0x0610, 0x061A), (0x064B, 0x065F), (0x0670, 0x0670), (0x06D6, 0x06ED)):
    for _cp in range(_lo, _hi + 1):
        _AR_TABLE[_cp] = None
for _cp in range(0x08CA, 0x0900):
    _AR_TABLE[_cp] = None

_DIGITS_TABLE: dict[int, int | str] = {0x0660 + i: 0x30 + i for i in range(10)}
_DIGITS_TABLE.update({0x06F0 + i: 0x30 + i for i in range(10)})
_DIGITS_TABLE.update({0x066B: ".", 0x066C: ",", 0x2019: "'"})


def normalize_arabic(word: str) -> str:
    """Lucene-style normalisation of one Arabic word (no stemming)."""
    if _PRESENTATION_FORMS.search(word):
        word = unicodedata.normalize("NFKC", word)
    return word.translate(_AR_TABLE)


def _fold_other(word: str) -> str:
    word = word.translate(_DIGITS_TABLE).casefold()
    if not word.isascii():
        # Fold accents so "café" finds "cafe"; NFKD splits a letter from its accent.
        word = "".join(
            c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)
        )
    return word


# -- stop words ---------------------------------------------------------------------------
# Lucene's classic English set, plus a few pronouns and auxiliaries. Not "us" (the US),
# "may" (the month), "who" (WHO) or "it" (IT), which are names in news.
ENGLISH_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "if",
        "in",
        "into",
        "is",
        "its",
        "no",
        "not",
        "of",
        "on",
        "or",
        "she",
        "such",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
    ]
)

# Lucene's Arabic stop set (Savoy's list) plus a few و-forms of it, written normalised:
# the filter runs after normalisation, so one entry covers every hamza and yeh spelling.
_ARABIC_STOP_RAW = """
من ومن منها منه في وفي فيها فيه و ف ثم او أو ب بها به ا أ اى اي أي أى لا ولا الا ألا إلا
لكن ما وما كما فما عن مع اذا إذا ان أن إن انها أنها إنها انه أنه إنه بان بأن فان فأن وان
وأن وإن التى التي الذى الذي الذين الى الي إلى إلي على عليها عليه اما أما إما ايضا أيضا كل
وكل لم ولم لن ولن هى هي هو وهى وهي وهو فهى فهي فهو انت أنت لك لها له هذه هذا تلك ذلك
هناك كانت كان يكون تكون وكانت وكان غير بعض قد نحو بين بينما منذ ضمن حيث الان الآن خلال
بعد قبل حتى عند عندما لدى جميع
وانه وانها وانهم وقد لقد
"""
ARABIC_STOP_WORDS = frozenset(normalize_arabic(w) for w in _ARABIC_STOP_RAW.split())


# -- Arabic light stemmer -------------------------------------------------------------------
_WAW = "\u0648"
# Lucene ArabicStemmer tables (normalised text never ends in ة, kept to mirror Lucene).
LIGHT10_PREFIXES = ("ال", "وال", "بال", "كال", "فال", "لل", "و")
LIGHT10_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")
# Article forms that can stand before a و that belongs to the word.
ARTICLE_PREFIXES = ("وال", "بال", "كال", "فال", "ال", "لل")

# Words that start with a و of their own, whatever the corpus says. Surface forms; their
# stems are computed at load time, so the list reads naturally.
WAW_WORDS = """
وزير وزارة وزراء وطن وطني وطنية وقت وضع وجه وجهة وصل وصول وعد وقف وفد وكالة وكيل وثيقة
وثائق وظيفة وظائف وسط وسائل وسيلة وحدة وحيد وفاة وفيات ولاية ولايات وقع وقائع واقع ورق
ورقة وزن وصف ولد والد والدة وادي ورشة وارد واردات وافق وجود وعاء وقود وكلاء ولاء ورد
وراثة وجبة وسام وفاق وفق وفير وظف وقاية وعود وصية واجب واجبات وسيط وساطة وصفة وضوح واضح
واسع وعر وباء ورم وزاري واشنطن وجهت
"""
# Stems the corpus evidence gets wrong: "ألوان" (colours) normalises to الوان, which looks
# like ال + وان, but bare وان… is almost always وأن ("and that").
NOT_WAW_STEMS = frozenset({"وان", "وانا"})

# One-letter prefixes (prepositions ب ل ك, conjunction ف) taken off a word that starts with
# a و of its own when what follows is a known و stem: بولاية, لوزير, فوجد, كوسيلة.
PROCLITICS = frozenset("بلكف")
# Words that start with one of those letters and then و, the letter being their own, that
# never take the article (so the corpus cannot show it): the particle لولا ("were it not
# for") with its pronouns, names, loanwords. Whole words, matched exactly: لولا must stay
# apart from ولاية, but لولاية ("for a state") is ل + ولاية.
PROCLITIC_OWN_WORDS = """
لولا لولاه لولاها لولاهم لولاك لولاي فواصل بواقي بورك بوقا
فورد بوتر كوتير كوبر كوبرين لويس لوقا بوغدان بوحيمد بورد بورش لوكال
"""


def light10_suffixes(word: str) -> str:
    """Lucene light10 suffix stripping: each suffix once, in order, keeping ≥2 letters."""
    for suffix in LIGHT10_SUFFIXES:
        if len(word) > len(suffix) + 1 and word.endswith(suffix):
            word = word[: -len(suffix)]
    return word


def _strip_prefix(word: str, prefixes: tuple[str, ...]) -> str:
    for prefix in prefixes:
        if len(prefix) == 1 and len(word) < 4:  # و only on words of 4 letters or more
            continue
        if len(word) > len(prefix) + 1 and word.startswith(prefix):
            return word[len(prefix) :]
    return word


def light10_prefix(word: str) -> str:
    """Lucene light10 prefix stripping: the first matching prefix, keeping ≥2 letters."""
    return _strip_prefix(word, LIGHT10_PREFIXES)


def light10(word: str) -> str:
    """Lucene's ArabicStemmer on a normalised word (the baseline we measure against)."""
    return light10_suffixes(light10_prefix(word))


# light10 takes one prefix, so وللحكومة ("and for the government") kept لل. These two
# و-combinations are common in news and unambiguous; they go before the lone و.
PREFIXES = (*LIGHT10_PREFIXES[:-1], "ولل", "وبال", "و")


@dataclass(frozen=True, slots=True)
class WawStems:
    """Stems whose leading و belongs to the word; `bare` are also seen without endings
    (الوزير), the others only with one (الوزارة, الوزارات: a noun in ة). `own` are words
    (whole, normalised) in ب ل ك ف + و whose first letter is their own, not a prefix
    (لواء: اللواء); whole words, as a stem would also catch كولاية with كولا."""

    stems: frozenset[str]
    bare: frozenset[str]
    own: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, text: str) -> WawStems:
        stems: set[str] = set()
        bare: set[str] = set()
        own: set[str] = set()
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("!"):
                own.add(line[1:])
                continue
            stem = line.rstrip("+")
            stems.add(stem)
            if not line.endswith("+"):
                bare.add(stem)
        return cls(frozenset(stems), frozenset(bare), frozenset(own))

    def dump(self) -> str:
        lines = [s if s in self.bare else s + "+" for s in sorted(self.stems)]
        lines += ["!" + s for s in sorted(self.own)]
        return "\n".join(lines) + "\n"


@lru_cache(maxsize=1)
def _shipped_waw_stems() -> WawStems:
    text = resources.files("reader.search").joinpath("data/ar_waw_stems.txt").read_text("utf-8")
    shipped = WawStems.parse(text)
    stems, bare = set(shipped.stems), set(shipped.bare)
    for word in WAW_WORDS.split():
        normal = normalize_arabic(word)
        stem = light10_suffixes(normal)
        if len(stem) >= 3:  # two-letter stems would catch conjunction forms (ولها)
            stems.add(stem)
            if stem == normal:
                bare.add(stem)
    own = set(shipped.own)
    own.update(normalize_arabic(word) for word in PROCLITIC_OWN_WORDS.split())
    return WawStems(frozenset(stems - NOT_WAW_STEMS), frozenset(bare), frozenset(own))


class ArabicLightStemmer:
    """light10 that keeps a و belonging to the word.

    light10 strips a leading و from any word of four letters or more, as if it were the
    conjunction "and": وزارة → زار (which is also "he visited"), وطني → طن ("ton"). Before
    that rule we strip only the suffixes and look the result up in `waw`: stems seen in a
    corpus after the article (الوزارة, للوزير, والوطني: the conjunction cannot follow the
    article, so that و is part of the word), plus a small hand list. Found: keep the و.
    One exception: a stem only ever seen with an ending (وزار-ة) followed directly by ها
    is a verb with "and" (وزارها "and he visited it"); the noun would be وزارتها.
    Prefixes are light10's plus ولل and وبال; and, before such a word, one of ب ل ك ف
    (بولاية → ولاية, وبولاية too), unless the corpus shows the article in front of that
    letter (اللواء: لواء is a word, not ل + واء) or the word is in PROCLITIC_OWN_WORDS
    (لولا, فورد). `proclitics=False` leaves that rule out (to measure it).
    """

    def __init__(
        self, waw: WawStems | Iterable[str] | None = None, *, proclitics: bool = True
    ) -> None:
        if waw is not None and not isinstance(waw, WawStems):
            stems = frozenset(waw)
            waw = WawStems(stems, stems)
        self.waw = waw
        self.proclitics = proclitics

    def _waw(self) -> WawStems:
        if self.waw is None:
            self.waw = _shipped_waw_stems()
        return self.waw

    def keeps_waw(self, word: str) -> bool:
        """True when `word` (normalised, starting with و) keeps its و."""
        if len(word) < 4 or word[0] != _WAW:
            return True
        waw = self._waw()
        kept = light10_suffixes(word)
        if kept not in waw.stems:
            return False
        return not (len(word) == len(kept) + 2 and word.endswith("ها") and kept not in waw.bare)

    def proclitic_rest(self, word: str) -> str | None:
        """For ب ل ك ف + a word starting with its own و (بولاية), that word; else None."""
        if len(word) < 4 or word[0] not in PROCLITICS or word[1] != _WAW:
            return None
        waw = self._waw()
        rest = word[1:]
        if word in waw.own or light10_suffixes(rest) not in waw.stems:
            return None
        return rest if self.keeps_waw(rest) else None

    def stem(self, word: str) -> str:
        """Stem one normalised Arabic word."""
        return light10_suffixes(self.strip_prefix(word))

    def strip_prefix(self, word: str) -> str:
        """The prefix step alone (for prefix queries such as الحكوم*)."""
        if len(word) >= 4 and word[0] == _WAW and self.keeps_waw(word):
            return word
        rest = _strip_prefix(word, PREFIXES)
        # Nothing or only the conjunction و taken: بولاية, وبولاية. Not after the article:
        # in البوصلة the ب is the word's own.
        if self.proclitics and len(word) - len(rest) <= 1:
            return self.proclitic_rest(rest) or rest
        return rest


def derive_waw_stems(
    counts: dict[str, int], min_count: int = 3, min_ratio: float = 0.05
) -> WawStems:
    """Stems whose و belongs to the word, from normalised word counts of a corpus.

    Evidence is the article (ال، بال، لل ...) written before the و: "الوزارة" shows that
    وزارة's و is not the conjunction. A stem needs `min_count` such occurrences and at
    least `min_ratio` of its bare و-forms: "الواكد" (a typo, 28 times) must not outweigh
    3,488 of وأكد ("and he confirmed"). Stems shorter than 3 letters are too ambiguous.
    لل alone is no evidence: للواء is ل + لواء as often as لل + واء, so a stem also needs
    a form behind ال، وال، بال، كال or فال.

    The same evidence, one letter further, gives `own`: a word in ب ل ك ف + و seen after
    the article (اللواء, الكوارث) has that letter as its own, so it is not taken off as a
    prefix (same thresholds, against the same word without the article). Whole words, not
    stems: الكولا must not keep كولاية ("as a state") from ولاية.
    """
    article: dict[str, int] = {}
    not_ll: set[str] = set()
    seen_bare: set[str] = set()
    bare: dict[str, int] = {}
    own_article: dict[str, int] = {}
    own_bare: dict[str, int] = {}
    for word, n in counts.items():
        if word in ARABIC_STOP_WORDS:
            continue
        for prefix in ARTICLE_PREFIXES:
            rest = word[len(prefix) :]
            if not word.startswith(prefix) or len(rest) < 3:
                continue
            if rest[0] == _WAW:
                stem = light10_suffixes(rest)
                article[stem] = article.get(stem, 0) + n
                if prefix != "لل":
                    not_ll.add(stem)
                if stem == rest:
                    seen_bare.add(stem)
                break
            if len(rest) >= 4 and rest[0] in PROCLITICS and rest[1] == _WAW:
                own_article[rest] = own_article.get(rest, 0) + n
                break
        else:
            if len(word) >= 4 and word[0] == _WAW:
                stem = light10_suffixes(word)
                bare[stem] = bare.get(stem, 0) + n
            elif len(word) >= 4 and word[0] in PROCLITICS and word[1] == _WAW:
                own_bare[word] = own_bare.get(word, 0) + n
    stems = {
        stem
        for stem, n in article.items()
        if len(stem) >= 3
        and stem in not_ll
        and n >= min_count
        and n >= min_ratio * bare.get(stem, 0)
        and stem not in NOT_WAW_STEMS
    }
    own = {
        word
        for word, n in own_article.items()
        if n >= min_count
        and n >= min_ratio * own_bare.get(word, 0)
        and light10_suffixes(word[1:]) in stems  # only where the prefix rule would apply
    }
    return WawStems(frozenset(stems), frozenset(stems & seen_bare), frozenset(own))


# -- the analyzer --------------------------------------------------------------------------
class AnalyzedToken(NamedTuple):
    """One indexed term and where it came from in the original text."""

    term: str
    pos: int
    start: int
    end: int


def is_arabic_token(raw: str) -> bool:
    """True for a token from the Arabic branch of TOKEN_PATTERN (starts with a letter)."""
    c = raw[0]
    return ("\u0600" <= c <= "\u08ff" or "\ufb50" <= c <= "\ufeff") and not c.isdigit()


_CACHE_LIMIT = 100_000
_MISSING = object()


class BilingualAnalyzer(Analyzer):
    """Whoosh analyzer for English and Arabic in one field (see the module docstring)."""

    # Class-level switches and lazily built state: pickling stores none of it.
    stemming = True
    stopping = True
    _cache: dict[str, str | None] | None = None
    _local: threading.local | None = None
    _arabic: ArabicLightStemmer | None = None

    def __init__(self) -> None:
        pass

    def __getstate__(self) -> dict[str, Any]:
        return {}  # the stemmers and cache are rebuilt on first use

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self))

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    # -- terms ---------------------------------------------------------------------------
    def _english(self) -> Stemmer.Stemmer:
        # PyStemmer objects are not thread-safe: one per thread (indexer, search worker).
        local = self._local
        if local is None:
            local = self._local = threading.local()
        stemmer = getattr(local, "english", None)
        if stemmer is None:
            stemmer = local.english = Stemmer.Stemmer("english")
        return stemmer

    def _compute(self, raw: str) -> str | None:
        if is_arabic_token(raw):
            word = normalize_arabic(raw)
            if not word or (self.stopping and word in ARABIC_STOP_WORDS):
                return None
            if not self.stemming:
                return word
            arabic = self._arabic
            if arabic is None:
                arabic = self._arabic = ArabicLightStemmer()
            return arabic.stem(word)
        word = _fold_other(raw)
        if not word or (self.stopping and word in ENGLISH_STOP_WORDS):
            return None
        if not self.stemming or word[0].isdigit():
            return word
        return self._english().stemWord(word)

    def cache(self) -> dict[str, str | None]:
        """The raw token → term cache (for hot loops that inline `term`)."""
        if self._cache is None:
            self._cache = {}
        return self._cache

    def term(self, raw: str) -> str | None:
        """The indexed term for one raw token, or None for a stop word."""
        cache = self._cache
        if cache is None:
            cache = self._cache = {}
        result = cache.get(raw, _MISSING)
        if result is _MISSING:
            result = self._compute(raw)
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()  # crude bound; the hot words come straight back
            cache[raw] = result
        return result  # type: ignore[return-value]

    def tokens(self, text: str) -> Iterator[AnalyzedToken]:
        """Terms of `text` with positions (stop words not counted) and char offsets."""
        pos = 0
        term = self.term
        for match in TOKEN_PATTERN.finditer(text):
            result = term(match.group())
            if result is None:
                continue
            yield AnalyzedToken(result, pos, match.start(), match.end())
            pos += 1

    def terms(self, text: str) -> list[str]:
        return [t.term for t in self.tokens(text)]

    def prefix_terms(self, raw: str) -> list[str]:
        """Index-side forms of a typed prefix ("econom*", "الحكوم*").

        Indexed terms are stems, so a prefix is compared in two forms: normalised only, and
        stemmed ("politic" → "polit" so it finds politics). Arabic prefixes lose their
        article or conjunction (light10 prefix rule) but keep their ending.
        """
        forms: list[str] = []
        for match in TOKEN_PATTERN.finditer(raw):
            token = match.group()
            if is_arabic_token(token):
                word = normalize_arabic(token)
                if self.stemming:
                    arabic = self._arabic
                    if arabic is None:
                        arabic = self._arabic = ArabicLightStemmer()
                    word = arabic.strip_prefix(word)
                forms.append(word)
                if self.stemming:
                    forms.append(light10_suffixes(word))
            else:
                word = _fold_other(token)
                forms.append(word)
                if self.stemming and not word[0].isdigit():
                    forms.append(self._english().stemWord(word))
            break  # a prefix is one word
        seen: list[str] = []
        for form in forms:
            if form and form not in seen:
                seen.append(form)
        return seen

    # -- Whoosh protocol -------------------------------------------------------------------
    def __call__(  # Whoosh's analyzer signature
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        term = self.term
        pos = start_pos
        head_end = value.find(FIELD_BREAK) if tokenize else -1
        boost = TITLE_WEIGHT if head_end >= 0 else 1.0
        matches = TOKEN_PATTERN.finditer(value) if tokenize else _whole(value)
        for match in matches:
            if head_end >= 0 and match.start() > head_end:
                head_end = -1
                boost = 1.0
                pos += 1  # a gap: "end of title" + "start of body" is not a phrase
            raw = match.group()
            text = term(raw)
            t.boost = boost
            if text is None:
                if removestops:
                    continue
                t.text = raw
                t.stopped = True
            else:
                t.text = text
                t.stopped = False
            if keeporiginal:
                t.original = raw
            if positions:
                t.pos = pos
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            if not t.stopped:
                pos += 1  # stop words take no position, so phrases ignore them
            yield t


class PlainAnalyzer(BilingualAnalyzer):
    """Same tokens and normalisation, no stop words or stemming: for `source` names."""

    stemming = False
    stopping = False


class _Whole:
    def __init__(self, value: str) -> None:
        self.value = value

    def group(self) -> str:
        return self.value

    def start(self) -> int:
        return 0

    def end(self) -> int:
        return len(self.value)


def _whole(value: str) -> Iterator[_Whole]:
    if value:
        yield _Whole(value)
