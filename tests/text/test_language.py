from __future__ import annotations

import pytest

from reader.text.language import article_language, detect_language

ARABIC = "حذرت الولايات المتحدة يوم الثلاثاء من أن الجهاديين يشكلون تهديداً للمنطقة بأسرها."
ENGLISH = "Jihadists who have seized Iraq's second city pose a threat to the entire region."
CSS = ".box_vote { background: #FFFFFF; border-radius: 5px; padding: 18px; } " * 40


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ENGLISH, "en"),
        (ARABIC, "ar"),
        ("Café crème à la française", "en"),
        ("iPhone 6s يصل إلى السعودية الأسبوع المقبل", "ar"),  # Latin brand in Arabic title
        ("Apple launches iPhone in Riyadh (الرياض)", "en"),
        ("ﻣﺮﺣﺒﺎ ﺑﺎﻟﻌﺎﻟﻢ", "ar"),  # presentation forms, as old PDFs carry them
        ("", None),
        ("   \n\t", None),
        ("123 456 !!! — 2017-01-21", None),
        ("١٢٣ ٤٥٦ ؟ ،", None),  # Arabic digits and punctuation are not letters
        ("Привет, как дела? Всё хорошо.", None),  # neither Arabic nor Latin wins
        ("ab مر", None),  # a tie decides nothing
    ],
)
def test_detect_language(text: str, expected: str | None) -> None:
    assert detect_language(text) == expected


def test_article_language_uses_title_and_body() -> None:
    assert article_language("", ARABIC) == "ar"
    assert article_language(ENGLISH, "") == "en"
    assert article_language("", "") is None


def test_english_story_with_arabic_link_label_is_english() -> None:
    body = "إقرأ هذا الخبر بالعربية\n" + ENGLISH * 3
    assert article_language("U.S. Warns Iraqi Militants", body) == "en"


def test_clear_lede_decides_over_scraped_page_junk() -> None:
    # SaudiNewsNet has Arabic stories (a lede of 500+ characters) followed by a poll
    # widget's CSS that outweighs them in the first 2000 characters.
    body = "\n".join([ARABIC] * 7) + "\n" + CSS
    assert len("\n".join([ARABIC] * 7)) > 500
    assert detect_language(body[:2000]) == "en"
    assert article_language("ديربي العاصمة", body) == "ar"


def test_long_mixed_text_is_judged_on_the_whole_sample() -> None:
    # The lede is mixed, so the first 2000 characters decide.
    body = (ARABIC + " " + ENGLISH + "\n") + ENGLISH * 20
    assert article_language("Title", body) == "en"
