"""Which language an article is in, from the script its letters are written in.

We only need to tell Arabic from English (the two languages the analysers and layout
support), so counting letters per script is enough, and fast: no model, no n-grams.
"""

from __future__ import annotations

import re

__all__ = [
    "HEAD_CHARS",
    "SAMPLE_CHARS",
    "article_language",
    "choose_language",
    "detect_language",
]

SAMPLE_CHARS = 2000  # of the body: the script of a news story is settled long before this
HEAD_CHARS = 500  # of the body: the title and lede, which decide when they are clear
CLEAR_SHARE = 0.8  # of the Arabic and Latin letters in the head, for it to decide alone

# Arabic-script letters: the Arabic block without digits, harakat and punctuation, the
# supplements, and the presentation forms that old texts and PDFs carry.
_ARABIC = re.compile(
    "[\u0620-\u064a\u066e-\u066f\u0671-\u06d3\u06d5\u06ee-\u06ef\u06fa-\u06fc\u06ff"
    "\u0750-\u077f\u08a0-\u08c9\ufb50-\ufbb1\ufbd3-\ufd3d\ufd50-\ufdfb\ufe70-\ufefc]+"
)
# Latin letters: ASCII, Latin-1 letters (not × and ÷), Latin Extended-A/B and Additional.
_LATIN = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]+")
# Every letter (`\w` without digits and underscore), to see whether some other script wins.
_LETTER = re.compile(r"[^\W\d_]+")
# Language codes written in Arabic script: a hint that agrees with Arabic letters.
_ARABIC_SCRIPT = frozenset(("ar", "fa", "ur", "ps", "ku", "sd", "ug"))


def _count(pattern: re.Pattern[str], text: str) -> int:
    # Deleting the matches and comparing lengths runs in C without building a list.
    return len(text) - len(pattern.sub("", text))


def detect_language(text: str) -> str | None:
    """Return "ar" when Arabic-script letters outnumber the others, "en" when Latin ones do.

    None when `text` has no letters, when another script (Cyrillic, CJK...) has the most, or
    on an exact tie: an unknown language is better than a wrong one.
    """
    return _decide(text, _count(_ARABIC, text), _count(_LATIN, text))


def _decide(text: str, arabic: int, latin: int) -> str | None:
    if arabic == latin:
        return None
    # A script holding more than half of all characters has more letters than the rest put
    # together, so the costlier count of every letter is only needed for mixed text.
    other = 0 if 2 * max(arabic, latin) > len(text) else _count(_LETTER, text) - arabic - latin
    if arabic > latin and arabic > other:
        return "ar"
    if latin > arabic and latin > other:
        return "en"
    return None


def article_language(title: str, body: str) -> str | None:
    """The language of an article: `detect_language` of its title and the start of its body.

    When the title and lede alone are clearly in one script, they decide. That is faster,
    and right for scraped Arabic stories whose body ends in a page's CSS or English photo
    captions, which can outnumber the Arabic letters of the first 2000 characters.
    """
    head = f"{title}\n{body[:HEAD_CHARS]}"
    arabic, latin = _count(_ARABIC, head), _count(_LATIN, head)
    winner = max(arabic, latin)
    if arabic != latin and winner >= CLEAR_SHARE * (arabic + latin) and 2 * winner > len(head):
        return "ar" if arabic > latin else "en"
    if len(body) <= HEAD_CHARS:
        return _decide(head, arabic, latin)
    return detect_language(f"{title}\n{body[:SAMPLE_CHARS]}")


def choose_language(hint: str | None, text: str) -> str | None:
    """The language of `text`: the declared `hint` unless the letters clearly disagree.

    Feeds and pages often declare their CMS's default ("en-us" on an Arabic site), so the
    script of the text wins when it contradicts the hint. A Latin-script hint other than
    English ("fr") is kept, since detection only tells Arabic from English.
    """
    hint = (hint or "").strip().lower().replace("_", "-").split("-")[0] or None
    if hint is not None and not hint.isalpha():
        hint = None
    detected = detect_language(text[:SAMPLE_CHARS])
    if hint is None or detected is None or detected == hint:
        return detected or hint
    if detected == "ar":
        return hint if hint in _ARABIC_SCRIPT else "ar"
    # detected "en": Latin letters
    return "en" if hint in _ARABIC_SCRIPT or hint == "en" else hint
