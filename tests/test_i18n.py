"""The interface's language: settings, the locale default, the catalog, numbers and dates,
and the command line in Arabic."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reader.config import ConfigError, Library, load_settings, locale_language
from reader.text.i18n import _, number, published_text, short_date, use_language
from reader.text.plural import counted

REPO = Path(__file__).resolve().parents[1]


def _catalog_script():
    spec = importlib.util.spec_from_file_location("catalog", REPO / "scripts" / "catalog.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_language_from_file_then_environment_then_flag(monkeypatch, tmp_path: Path) -> None:
    library = Library(tmp_path).ensure()
    assert load_settings(library).ui_language == "en"
    library.settings_file.write_text('ui_language = "ar"\ndigits = "arabic-indic"\n')
    settings = load_settings(library)
    assert (settings.ui_language, settings.digits) == ("ar", "arabic-indic")
    monkeypatch.setenv("NEWSREADER_LANG", "en")
    assert load_settings(library).ui_language == "en"
    assert load_settings(library, cli_lang="ar").ui_language == "ar"


def test_the_default_follows_the_locale(tmp_path: Path) -> None:
    library = Library(tmp_path).ensure()
    assert load_settings(library, environ={"LANG": "ar_EG.UTF-8"}).ui_language == "ar"
    assert load_settings(library, environ={"LANG": "en_GB.UTF-8"}).ui_language == "en"
    assert locale_language({"LC_ALL": "ar_SA.UTF-8", "LANG": "en_US.UTF-8"}) == "ar"
    assert locale_language({"LC_ALL": "C.UTF-8", "LANGUAGE": "ar"}) == "en"  # C: untranslated
    assert locale_language({"LANG": "en_US.UTF-8", "LANGUAGE": "ar:en"}) == "ar"
    assert locale_language({}) == "en"
    # The setting wins over the locale.
    library.settings_file.write_text('ui_language = "en"\n')
    assert load_settings(library, environ={"LANG": "ar_EG.UTF-8"}).ui_language == "en"


def test_bad_language_and_digits_are_clear_errors(monkeypatch, tmp_path: Path) -> None:
    library = Library(tmp_path).ensure()
    monkeypatch.setenv("NEWSREADER_LANG", "fr")
    with pytest.raises(ConfigError, match=r"NEWSREADER_LANG: ui_language must be one of en, ar"):
        load_settings(library)
    monkeypatch.delenv("NEWSREADER_LANG")
    library.settings_file.write_text('digits = "roman"\n')
    with pytest.raises(ConfigError, match=r"settings.toml: digits must be one of latin, arabic"):
        load_settings(library)
    library.settings_file.write_text('ui_language = "de"\n')
    with pytest.raises(ConfigError, match="ui_language must be one of en, ar, not 'de'"):
        load_settings(library)


def test_arabic_counts_take_all_six_plural_forms() -> None:
    use_language("ar")
    forms = [counted(n, "{count} article", "{count} articles") for n in (0, 1, 2, 3, 11, 100)]
    assert forms == ["لا مقالات", "مقالة واحدة", "مقالتان", "3 مقالات", "11 مقالة", "100 مقالة"]
    use_language("en")
    assert counted(1, "{count} article", "{count} articles") == "1 article"
    assert counted(12400, "{count} result", "{count} results", grouped=True) == "12,400 results"


def test_digits_and_arabic_month_names() -> None:
    day = datetime(2014, 6, 10, tzinfo=UTC)
    timed = datetime(2015, 7, 21, 10, 5, tzinfo=UTC)
    use_language("ar", "latin")
    assert short_date(day) == "10 يونيو 2014"
    assert published_text(timed) == "21 يوليو 2015، الساعة 10:05 (UTC)"
    assert short_date(None) == "بلا تاريخ"
    use_language("ar", "arabic-indic")
    assert short_date(day) == "١٠ يونيو ٢٠١٤"
    assert number(12400) == "١٢٬٤٠٠"
    assert counted(3, "{count} article", "{count} articles") == "٣ مقالات"
    use_language("en")
    assert (short_date(day), published_text(timed)) == ("2014-06-10", "2015-07-21 10:05 UTC")


def test_every_marked_string_has_an_arabic_translation_and_the_mo_is_compiled() -> None:
    pytest.importorskip("babel")
    assert _catalog_script().problems("ar") == []


def test_the_mo_in_the_package_loads() -> None:
    use_language("ar")
    assert _("Search") == "بحث"
    assert _("Read") == "مقروء"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=None,
        check=False,
    )


def test_the_command_line_speaks_arabic(monkeypatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    found = _cli("--lang", "ar", "search", "Iraq")
    assert found.returncode == 0, found.stderr
    assert found.stdout.splitlines()[0] == "نتيجة واحدة للبحث عن 'Iraq'"
    missing = _cli("show", "999", "--lang", "ar")
    assert missing.returncode == 1
    assert missing.stderr.strip() == (
        "newsreader: خطأ: لا توجد مقالة بالمعرّف 999؛ يعرض الأمر `newsreader list` المعرّفات"
    )
    monkeypatch.setenv("NEWSREADER_LANG", "ar")
    assert "للبحث عن" in _cli("search", "Iraq").stdout
    english = _cli("--lang", "en", "show", "999")
    assert english.stderr.strip() == (
        "newsreader: error: no article with id 999; `newsreader list` shows the ids"
    )


def test_usage_and_help_in_arabic(monkeypatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    shown = _cli("--lang", "ar", "--help")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0].startswith("الاستخدام: newsreader [-h]")
    assert "الخيارات:" in lines and "الأوامر:" in lines
    assert "عرض رسالة المساعدة هذه ثم الخروج" in shown.stdout
    assert "طباعة المقالات، الأحدث أولًا" in shown.stdout  # `list`
    wrong = _cli("frob", "--lang", "ar")  # the language is known before the command is parsed
    assert wrong.returncode == 2
    assert wrong.stderr.startswith("الاستخدام: newsreader")
    assert "newsreader: خطأ: الوسيط COMMAND: اختيار غير صالح: 'frob'" in wrong.stderr
    english = _cli("--lang", "en", "--help")
    assert english.stdout.startswith("usage: newsreader [-h]")
    assert "show this help message and exit" in english.stdout


def test_query_errors_in_arabic_and_json_stays_english(monkeypatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    bad = _cli("--lang", "ar", "search", "lang:xx")
    assert bad.returncode == 1
    assert bad.stderr.strip() == (
        "newsreader: 'lang:xx': لغة غير معروفة “lang:xx”: استخدم lang:ar أو lang:en"
    )
    quote = _cli("--lang", "ar", "search", '"oil')
    assert 'علامة اقتباس غير مغلقة: أضف " للإغلاق بعد “oil”' in quote.stderr
    as_json = [_cli(*lang, "search", "--json", "lang:xx").stdout for lang in (["--lang", "ar"], [])]
    assert as_json[0] == as_json[1]
    assert "unknown language “lang:xx”: use lang:ar or lang:en" in as_json[0]


def test_feeds_fetch_doctor_and_stats_in_arabic(monkeypatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    none = _cli("--lang", "ar", "feeds", "list")
    assert none.returncode == 0
    assert none.stderr.strip() == "لا توجد اشتراكات؛ أضف اشتراكًا بالأمر `newsreader feeds add URL`"
    fetch = _cli("--lang", "ar", "fetch")
    assert fetch.returncode == 1
    assert fetch.stderr.strip().startswith("newsreader: خطأ: لا توجد اشتراكات؛")
    assert _cli("reindex").returncode == 0  # a healthy library, its index built
    doctor = _cli("--lang", "ar", "doctor")
    assert doctor.returncode == 0, doctor.stderr
    lines = doctor.stdout.splitlines()
    assert lines[-1] == "المكتبة سليمة"
    assert all(line.startswith("سليم  ") for line in lines[:-1])
    assert "فهرس البحث مواكب للمكتبة (مقالتان)" in doctor.stdout
    stats = _cli("--lang", "ar", "stats").stdout.splitlines()
    assert [line.strip() for line in stats[:2]] == ["المقالات: 2", "غير المقروءة: 2"]
    assert "الفهرس مواكب: نعم" in [line.strip() for line in stats]
    english = _cli("stats").stdout.splitlines()
    assert english[0] == "        articles: 2"


def test_machine_readable_output_is_the_same_in_arabic(monkeypatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    for command in (
        ["list", "--json"],
        ["list"],
        ["stats", "--json"],
        ["search", "--json", "Iraq"],
    ):
        arabic, english = _cli("--lang", "ar", *command), _cli("--lang", "en", *command)
        assert arabic.returncode == english.returncode == 0, arabic.stderr
        assert arabic.stdout == english.stdout, command
    assert "2014-06-10" in _cli("--lang", "ar", "list").stdout  # ISO dates in the columns


def test_database_errors_in_arabic() -> None:
    import sqlite3

    from reader.store.health import describe_database_error

    full = sqlite3.OperationalError("database or disk is full")
    use_language("ar")
    assert describe_database_error(full, "/x/library.sqlite3") == (
        "القرص الذي يحمل قاعدة بيانات المكتبة /x/library.sqlite3 ممتلئ (database or disk is "
        "full)؛ وما خُزّن من قبل محفوظ: أفرغ بعض المساحة وحاول مرة أخرى"
    )
    damaged = describe_database_error(sqlite3.DatabaseError("file is not a database"), "/x")
    assert "شغّل `newsreader doctor` لفحصها" in damaged
    use_language("en")
    assert describe_database_error(full, "/x").startswith("the disk holding the library database")


def test_index_note_in_arabic_and_stats_json_stays_english(monkeypatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    assert _cli("list").returncode == 0  # a library with its articles, the index not built
    stats = [line.strip() for line in _cli("--lang", "ar", "stats").stdout.splitlines()]
    assert "ملاحظة الفهرس: لم يُبنَ الفهرس بعد" in stats
    as_json = [_cli(*lang, "stats", "--json").stdout for lang in (["--lang", "ar"], [])]
    assert as_json[0] == as_json[1]
    assert '"index_note": "the index has not been built yet"' in as_json[0]
    assert _cli("reindex").returncode == 0
    stats = [line.strip() for line in _cli("--lang", "ar", "stats").stdout.splitlines()]
    assert "ملاحظة الفهرس: مواكب للمكتبة" in stats
    assert '"index_note": "up to date"' in _cli("--lang", "ar", "stats", "--json").stdout


def test_fetch_failure_reason_in_arabic_with_the_url_intact(monkeypatch) -> None:
    from tests.feeds.conftest import FeedServer, Route, item, rss

    monkeypatch.setenv("PYTHONPATH", str(REPO))
    server = FeedServer()
    try:
        server.routes["/feed"] = Route(rss(item(1)))
        url = server.url("/feed")
        assert _cli("feeds", "add", url).returncode == 0
        server.routes["/feed"] = Route(b"<html><body>hi</body></html>", content_type="text/html")
        fetched = _cli("--lang", "ar", "fetch", "--no-full-text")
        english = _cli("fetch", "--no-full-text")
    finally:
        server.stop()
    assert fetched.returncode == english.returncode == 1
    assert f"{url}: وصلت صفحة ويب (HTML) لا خلاصة" in fetched.stderr
    assert f"{url}: got a web page (HTML), not a feed" in english.stderr


def test_import_failure_reason_in_arabic(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02binary\x00" * 50)
    imported = _cli("--lang", "ar", "import", str(binary))
    assert "ملف ثنائي لا نص (يحتوي على بايتات NUL)" in imported.stdout + imported.stderr
    assert str(binary) in imported.stdout + imported.stderr
    english = _cli("import", str(binary))
    assert "binary file, not text (it contains NUL bytes)" in english.stdout + english.stderr


def test_a_bad_setting_is_said_in_arabic(monkeypatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    monkeypatch.setenv("NEWSREADER_BIDI", "xx")
    arabic = _cli("--lang", "ar", "stats")
    assert arabic.returncode == 1
    assert arabic.stderr.strip() == (
        "newsreader: خطأ: يجب أن تكون قيمة bidi إحدى القيم auto, app, terminal، لا 'xx'"
    )
    english = _cli("stats")
    assert english.stderr.strip() == (
        "newsreader: error: bidi must be one of auto, app, terminal, not 'xx'"
    )
    monkeypatch.setenv("NEWSREADER_LANG", "ar")  # the language from the environment: Arabic too
    assert "يجب أن تكون قيمة bidi" in _cli("stats").stderr


def test_the_app_shows_the_indexer_note_in_arabic() -> None:
    from reader.session import IndexSync

    record = {
        "action": "read_only",
        "indexed": 0,
        "note": "the library is read-only, so the search index cannot be updated",
    }
    use_language("ar")
    sync = IndexSync.from_record(record)
    assert sync.note == record["note"]  # English as a string, as the JSON had it
    assert sync.note.shown == "المكتبة للقراءة فقط، فلا يمكن تحديث فهرس البحث"
    other = IndexSync.from_record({**record, "note": "something else"})
    assert (other.note, type(other.note)) == ("something else", str)
