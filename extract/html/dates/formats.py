"""Date formats pages print, and reading them into a calendar date.

Numeric dates with a four-digit year (2024-10-5, 2024/10/05, 2024.10.5, 2024年10月5日), the
US month/day/year (9/17/2004) and English month names (September 10th, 2005; Dec 28 Sat 2013;
10 Sep 2005) are read wherever they appear. A two-digit year (24-5-13) is read only where the
caller knows the text is a date line (a byline or a labelled date): elsewhere it is more often
a score, a version or a part number. Timestamps and ISO values come from declared data.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
            ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
            ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_NAME = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_YEAR = r"(?:19|20)\d{2}"

DATE = re.compile(
    rf"(?<![\d.])(?P<y>{_YEAR})\s*(?:[-/.]|年)\s*(?P<m>\d{{1,2}})\s*(?:[-/.]|月)\s*(?P<d>\d{{1,2}})(?!\d)"
    rf"|(?<![\d/.])(?P<um>\d{{1,2}})/(?P<ud>\d{{1,2}})/(?P<uy>{_YEAR})(?!\d)"
    rf"|(?<![a-z])(?P<mon>{_MONTH_NAME})\.?\s+(?P<ed>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_WEEKDAY}(?P<ey>{_YEAR})(?!\d)"
    rf"|(?<![\d.])(?P<bd>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<bmon>{_MONTH_NAME})\.?,?\s+(?P<by>{_YEAR})(?!\d)",
    re.I,
)
SHORT_DATE = re.compile(r"(?<![\d./-])(?P<y>\d{2})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?![\d./-])")
_EPOCH = re.compile(r"^\d{10}(?:\d{3})?$")
CHINA_TIME = timezone(timedelta(hours=8))  # the corpus' pages are Chinese: their local time


def _calendar(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def match_dates(match: re.Match[str]) -> tuple[date, ...]:
    """The calendar readings of a DATE or SHORT_DATE match: none for a day the calendar lacks,
    two for a slashed date that reads both as month/day (first) and day/month (06/02/2022)."""
    groups = match.groupdict()
    if groups.get("y"):
        year = int(groups["y"])
        readings = [_calendar(year + 2000 if year < 100 else year, int(groups["m"]), int(groups["d"]))]
    elif groups.get("uy"):
        year, first, second = int(groups["uy"]), int(groups["um"]), int(groups["ud"])
        readings = [_calendar(year, first, second), _calendar(year, second, first) if first != second else None]
    elif groups.get("ey"):
        readings = [_calendar(int(groups["ey"]), _MONTHS[groups["mon"].lower()], int(groups["ed"]))]
    else:
        readings = [_calendar(int(groups["by"]), _MONTHS[groups["bmon"].lower()], int(groups["bd"]))]
    return tuple(r for r in readings if r is not None)


def declared_date(value: str) -> date | None:
    """The date of a declared value: an ISO timestamp (UTC ones in China time), a Unix epoch
    (seconds or milliseconds), or any date DATE reads."""
    value = value.strip()
    if _EPOCH.match(value):
        seconds = int(value[:10])
        return datetime.fromtimestamp(seconds, CHINA_TIME).date() if seconds > 0 else None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is not None:
        if parsed.tzinfo is not None and parsed.utcoffset() == timedelta(0):
            parsed = parsed.astimezone(UTC).astimezone(CHINA_TIME)
        return parsed.date()
    match = DATE.search(value)
    readings = match_dates(match) if match else ()
    return readings[0] if readings else None
