"""Working days: counting days forward while skipping weekends and bank holidays.

`add_working_days` is pure (the days off are passed in). `bank_holidays` reads them from the maintained, offline
`holidays` package, imported only when a plan first needs dates, so opening the window never waits for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Iterable
from functools import lru_cache

from wizard.core.errors import WizardError

_SATURDAY = 5


def is_working_day(day: dt.date, days_off: Container[dt.date]) -> bool:
    """True on Monday to Friday unless `days_off` holds the day."""
    return day.weekday() < _SATURDAY and day not in days_off


def add_working_days(start: dt.date, n: int, days_off: Container[dt.date]) -> dt.date:
    """The day `n` working days after `start` (n >= 0): each step forward lands on a weekday not in `days_off`.

    `start` itself is never counted, so Friday + 1 is Monday and Saturday + 1 is Monday too; n = 0 gives `start`.
    Raises ValueError for a negative n.
    """
    if n < 0:
        raise ValueError(f"n must be 0 or more, got {n}")
    day = start
    for _ in range(n):
        day += dt.timedelta(days=1)
        while not is_working_day(day, days_off):
            day += dt.timedelta(days=1)
    return day


_loaded: list[bool] = []  # set once a lookup has finished: `holidays.countries` is in sys.modules while importing


def calendars_loaded() -> bool:
    """True once the `holidays` package's calendars are imported and a lookup has finished: from then on
    `bank_holidays` takes well under a millisecond. The first call imports them, about 90 ms, which a window does
    on a worker thread. (Not "is it in sys.modules": a module is there from the start of its import, so another
    thread would take a half-imported package for a loaded one.)"""
    return bool(_loaded)


def bank_holidays(country: str, subdivision: str | None, years: Iterable[int]) -> frozenset[dt.date]:
    """The public holidays of a country (and subdivision) in the given years, from the `holidays` package.

    Raises WizardError, in plain words, when the package does not know the country or subdivision.
    """
    return _bank_holidays(country, subdivision, tuple(sorted(set(years))))


@lru_cache(maxsize=8)
def _bank_holidays(country: str, subdivision: str | None, years: tuple[int, ...]) -> frozenset[dt.date]:
    import holidays  # with its calendars, about 90 ms (see calendars_loaded), and only planned dates need it

    try:
        found = holidays.country_holidays(country, subdiv=subdivision, years=years)
    except NotImplementedError as exc:
        place = f"{country}, {subdivision}" if subdivision else country
        raise WizardError(f"The bank holidays of {place} are not known to the holidays package installed "
                          f"({exc}); the profile's timeline names a calendar it cannot give.") from None
    _loaded.append(True)
    return frozenset(found.keys())
