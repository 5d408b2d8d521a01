from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from reader.sources.dates import format_date, parse_date

JAN21 = datetime(2017, 1, 21, tzinfo=UTC)
JAN21_10 = datetime(2017, 1, 21, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # ISO 8601, with and without zone; naive means UTC
        ("2017-01-21T10:00:00Z", JAN21_10),
        ("2017-01-21T10:00:00+00:00", JAN21_10),
        ("2017-01-21T13:00:00+03:00", JAN21_10),
        ("2017-01-21T10:00:00", JAN21_10),
        ("2017-01-21t10:00z", JAN21_10),
        ("2017-01-21T10:00:00.250000Z", JAN21_10.replace(microsecond=250000)),
        ("2017-01-21 10:00:00", JAN21_10),  # SaudiNewsNet's date_extracted
        ("2015-07-21 23:28:55", datetime(2015, 7, 21, 23, 28, 55, tzinfo=UTC)),
        ("2017-01-21", JAN21),
        ("20170121", JAN21),
        ("2017/01/21", JAN21),
        # RFC 822 / 2822
        ("Sat, 21 Jan 2017 13:00:00 +0300", JAN21_10),
        ("Sat, 21 Jan 2017 10:00:00 GMT", JAN21_10),
        ("21 Jan 2017 10:00:00 -0000", JAN21_10),
        # day first, as Arabic sources write it
        ("21/01/2017", JAN21),
        ("21-01-2017", JAN21),
        ("21.01.2017", JAN21),
        ("21/01/2017 10:00", JAN21_10),
        ("21-01-2017 10:00:00", JAN21_10),
        ("1/2/2017", datetime(2017, 2, 1, tzinfo=UTC)),
        # Arabic-Indic and Extended Arabic-Indic digits
        ("٢١/٠١/٢٠١٧", JAN21),
        ("۲۰۱۷-۰۱-۲۱ ۱۰:۰۰:۰۰", JAN21_10),
        # epoch seconds and milliseconds, as numbers and numeric strings
        (1484992800, JAN21_10),
        (1484992800.0, JAN21_10),
        ("1484992800", JAN21_10),
        ("١٤٨٤٩٩٢٨٠٠", JAN21_10),
        (1484992800000, JAN21_10),
        ("1484992800000", JAN21_10),
        (0, datetime(1970, 1, 1, tzinfo=UTC)),
        # datetimes and dates
        (datetime(2017, 1, 21, 10), JAN21_10),
        (datetime(2017, 1, 21, 12, tzinfo=timezone(timedelta(hours=2))), JAN21_10),
        (date(2017, 1, 21), JAN21),
        ("  2017-01-21  ", JAN21),
    ],
)
def test_parses(value: object, expected: datetime) -> None:
    result = parse_date(value)
    assert result == expected
    assert result is not None and result.tzinfo is UTC


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "nonsense",
        "yesterday",
        "01/21/2017",  # month first: never swapped
        "31/02/2017",
        "32-01-2017",
        "21/13/2017",
        "2017-13-01",
        "2017-01-21T25:00:00",
        "2017-01-21T10:00:00+25:00",
        "20171321",
        "2017",  # a year, not a timestamp
        "123",
        "2017-01",
        "21/01/17",  # two-digit year: ambiguous century
        "Jan",
        "32 Jan 2017",
        "Sat, 21 Foo 2017",
        "1" * 400,
        True,
        False,
        float("nan"),
        float("inf"),
        10**400,
        1e20,
        [],
        {},
        object(),
    ],
)
def test_unparseable_is_none(value: object) -> None:
    assert parse_date(value) is None


def test_format_date() -> None:
    assert format_date(JAN21_10) == "2017-01-21T10:00:00+00:00"
    assert format_date(datetime(2017, 1, 21, 13, tzinfo=timezone(timedelta(hours=3)))) == (
        "2017-01-21T10:00:00+00:00"
    )
    assert format_date(datetime(2017, 1, 21, 10)) == "2017-01-21T10:00:00+00:00"
    assert format_date(None) == ""


def test_format_round_trips() -> None:
    value = parse_date("Sat, 21 Jan 2017 13:00:00 +0300")
    assert value is not None
    assert parse_date(format_date(value)) == value


def test_dates_past_the_calendar_edge_are_empty_not_errors() -> None:
    assert parse_date("0001-01-01T00:00:00+14:00") is None
    assert parse_date("9999-12-31T23:00:00-05:00") is None
