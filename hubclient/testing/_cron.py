"""Schedules of scheduled jobs: ``@hourly``-style names and five-field CRON lines, in UTC.

>>> from datetime import datetime, timezone
>>> start = datetime(2025, 7, 22, 16, 6, tzinfo=timezone.utc).timestamp()
>>> datetime.fromtimestamp(next_run("0 9 * * 1", start), timezone.utc).isoformat()
'2025-07-28T09:00:00+00:00'
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

__all__ = ["CronError", "next_run", "parse"]

_NAMES = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
_MAX_MINUTES = 5 * 366 * 24 * 60  # a schedule that matches nothing in five years never runs


class CronError(ValueError):
    """A schedule that is neither a known ``@name`` nor a valid five-field CRON line."""


def _field(text: str, low: int, high: int) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        body, _, step_text = part.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) < 1:
                raise CronError(f"bad step in {part!r}")
            step = int(step_text)
        if body == "*":
            start, end = low, high
        elif "-" in body:
            first, _, last = body.partition("-")
            if not (first.isdigit() and last.isdigit()):
                raise CronError(f"bad range {body!r}")
            start, end = int(first), int(last)
        elif body.isdigit():
            start = int(body)
            end = high if step_text else start
        else:
            raise CronError(f"bad field {part!r}")
        if not low <= start <= end <= high:
            raise CronError(f"{part!r} is out of {low}-{high}")
        values.update(range(start, end + 1, step))
    return frozenset(values)


def parse(schedule: str) -> tuple[frozenset[int], ...]:
    """The allowed minutes, hours, days of month, months and days of week (0 = Sunday)."""
    if not isinstance(schedule, str):
        raise CronError("a schedule is a string")
    text = _NAMES.get(schedule.strip().lower(), schedule.strip())
    parts = text.split()
    if len(parts) != 5:
        raise CronError(f"a CRON line has five fields, not {len(parts)}: {schedule!r}")
    fields = tuple(_field(p, lo, hi) for p, (lo, hi) in zip(parts, _RANGES, strict=True))
    weekdays = frozenset(d % 7 for d in fields[4])
    return (*fields[:4], weekdays)


def next_run(schedule: str, after: float) -> float | None:
    """The first time strictly after ``after`` (epoch seconds) the schedule matches, or None."""
    minutes, hours, days, months, weekdays = parse(schedule)
    # cron's rule: with both day fields restricted, a day matching either one runs
    either = len(days) < 31 and len(weekdays) < 7

    def day_ok(moment: datetime) -> bool:
        by_date, by_weekday = moment.day in days, (moment.weekday() + 1) % 7 in weekdays
        return (by_date or by_weekday) if either else (by_date and by_weekday)

    moment = datetime.fromtimestamp(after, timezone.utc).replace(second=0, microsecond=0)
    moment += timedelta(minutes=1)
    for _ in range(_MAX_MINUTES):
        if moment.month not in months or not day_ok(moment):
            moment = (moment + timedelta(days=1)).replace(hour=0, minute=0)
            continue
        if moment.hour not in hours:
            moment = (moment + timedelta(hours=1)).replace(minute=0)
            continue
        if moment.minute in minutes:
            return moment.timestamp()
        moment += timedelta(minutes=1)
    return None
