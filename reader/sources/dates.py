"""Dates from untrusted sources: parse what is unambiguous, return None for the rest.

Every result is timezone-aware UTC. A value without a zone is taken as UTC (we cannot know
the writer's zone, and guessing one would be worse than a documented rule). Numeric dates
are always read day first, as the Arabic sources write them; `01/21/2017` is rejected, never
swapped.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

__all__ = ["format_date", "parse_date"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Arabic-Indic (U+0660..) and Extended Arabic-Indic (U+06F0..) digits, and the Arabic
# decimal separator, mapped to ASCII so one set of patterns serves both scripts.
_DIGITS = str.maketrans(
    {
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
        "\u066b": ".",
    }
)

_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
_DAY_FIRST = re.compile(
    r"(?P<d>\d{1,2})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})"
    r"(?:[ T,]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)
_YEAR_FIRST_SLASH = re.compile(
    r"(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})"
    r"(?:[ T,]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)
# RFC 2822 dates always name the month in English; without one, email.utils is too lenient.
_MONTH_NAME = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.IGNORECASE)

# Below this an epoch value is seconds; from here on it is milliseconds. 1e11 seconds is the
# year 5138 while 1e11 ms is 1973, so the two ranges cannot be confused for news dates.
_MS_THRESHOLD = 1e11
_MAX_MS = 1e14  # beyond this (year 5138 in ms) the number is not a date we can vouch for
# A numeric *string* must have at least this many integer digits to be an epoch value:
# shorter ones ("2017", "123") are more likely years or ids than 1970s timestamps.
_MIN_EPOCH_STRING_DIGITS = 9


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _from_epoch(seconds: float) -> datetime | None:
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    magnitude = abs(seconds)
    if magnitude >= _MAX_MS:
        return None
    if magnitude >= _MS_THRESHOLD:
        seconds /= 1000
    try:
        # Adding a timedelta avoids platform limits of fromtimestamp (negative values on
        # Windows, 2038 on 32-bit).
        return _EPOCH + timedelta(seconds=seconds)
    except OverflowError:
        return None


def _from_match(match: re.Match[str]) -> datetime | None:
    parts = match.groupdict()
    try:
        return datetime(
            int(parts["y"]),
            int(parts["m"]),
            int(parts["d"]),
            int(parts["H"] or 0),
            int(parts["M"] or 0),
            int(parts["S"] or 0),
            tzinfo=UTC,
        )
    except ValueError:  # 31/02, month 13, hour 25: invalid, not to be repaired
        return None


def _parse_string(text: str) -> datetime | None:
    text = text.strip().translate(_DIGITS)
    if not text or len(text) > 64:
        return None
    if _NUMBER.fullmatch(text):
        integer_digits = len(text.lstrip("+-").split(".")[0])
        if integer_digits == 8 and "." not in text:
            # YYYYMMDD (ISO 8601 basic format) rather than a 1970 timestamp.
            try:
                return _utc(datetime.strptime(text, "%Y%m%d"))
            except ValueError:
                return None
        if integer_digits < _MIN_EPOCH_STRING_DIGITS:
            return None
        return _from_epoch(float(text))
    if text[-1:] in "zZ":
        text = text[:-1] + "+00:00"  # fromisoformat in 3.11 accepts Z, but not lower-case z
    try:
        return _utc(datetime.fromisoformat(text))
    except (ValueError, OverflowError):  # OverflowError: a zone shift past year 1 or 9999
        pass
    for pattern in (_DAY_FIRST, _YEAR_FIRST_SLASH):
        match = pattern.fullmatch(text)
        if match:
            return _from_match(match)
    if _MONTH_NAME.search(text):
        try:
            return _utc(parsedate_to_datetime(text))
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    return None


def parse_date(value: object) -> datetime | None:
    """A timezone-aware UTC datetime for `value`, or None when it is not a clear date.

    Accepts datetimes and dates, epoch seconds (or milliseconds, when the number is too large
    to be seconds) as int, float or numeric string, ISO 8601 with or without a zone,
    `YYYY-MM-DD hh:mm:ss`, RFC 2822 (`Tue, 21 Jan 2017 10:00:00 +0300`), and day-first
    `21/01/2017`, `21-01-2017` or `21.01.2017`, optionally followed by `hh:mm[:ss]`. Arabic-Indic
    digits are accepted wherever ASCII digits are.
    """
    if value is None or isinstance(value, bool):  # bool is an int, but never a date
        return None
    if isinstance(value, datetime):
        return _utc(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, int | float):
        try:
            return _from_epoch(float(value))
        except OverflowError:  # an int beyond float range
            return None
    if isinstance(value, str):
        return _parse_string(value)
    return None


def format_date(value: datetime | None) -> str:
    """ISO 8601 in UTC to the second (`2017-01-21T10:00:00+00:00`); "" for None.

    The same form the store writes, so printed and stored dates compare as text.
    """
    if value is None:
        return ""
    return _utc(value).isoformat(timespec="seconds")
