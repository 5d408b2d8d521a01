"""Arabic words for the index: normalisation, stop words and a light stemmer.

* Normalised like Lucene's ArabicNormalizer (آ أ إ ٱ → ا, ى → ي, ة → ه, Persian ک ی →
  ك ي, tatweel and every Arabic mark deleted).
* Stop words: Lucene's Arabic set, plus a few و-forms, written normalised.
* Stemmed by Lucene's "light10" rules (Larkey et al.) plus the prefixes ولل and وبال, and
  a fix for light10's known weakness, stripping a و that belongs to the word (وزارة →
  زار). A و is kept when the word, with its suffixes stripped, is a stem that the corpus
  shows with the article in front of the و (الوزارة, بالوزير ...); the one-letter
  prefixes ب ل ك ف come off such a word too (بولاية, لوزير), unless the letter is the
  word's own (اللواء, «فورد»): see `ArabicLightStemmer`; measured in
  benchmarks/bench_stemmer.py.

Apart from reader.search.analysis (tokens, English, the Whoosh analyzer) because this is
the part tuned against a corpus, with its own data file (data/ar_waw_stems.txt) and
benchmark. Anything here that changes the terms produced needs ANALYZER_VERSION bumped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# -- normalisation ----------------------------------------------------------------------
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


def normalize_arabic(word: str) -> str:
    """Lucene-style normalisation of one Arabic word (no stemming)."""
    if _PRESENTATION_FORMS.search(word):
        word = unicodedata.normalize("NFKC", word)
    return word.translate(_AR_TABLE)


# -- stop words ---------------------------------------------------------------------------
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
