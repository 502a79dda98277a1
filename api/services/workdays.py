"""Working days for a notice's period (docs/notices.md): China's statutory holidays and
the weekend days worked in their place, from the `chinesecalendar` package, which knows
the years the State Council has announced; a year it does not know is refused, not
guessed at, since a notice that closes on a holiday misleads the public."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

from engine.messages import say

from .. import store
from ..problems import ApiProblem

CHINA = ZoneInfo("Asia/Shanghai")


def today() -> date:
    """The service's day in China, where notices are posted, objections received and
    rectification deadlines reckoned (api.services.rectification reckons by it too)."""
    return store.now().astimezone(CHINA).date()


def is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        message = say("notice.calendar_unknown", year=day.year)
        raise ApiProblem(422, "Bad notice", message, [{"field": "working_days", "message": message}]) from None


def closing_day(opens: date, working_days: int) -> date:
    """The day the period's last working day falls on, counting the opening day when it
    is a working day itself: 5 working days from Monday 2025-12-08 close on Friday 12-12."""
    day, counted = opens, 0
    while True:
        if is_workday(day):
            counted += 1
            if counted == working_days:
                return day
        day += timedelta(days=1)
