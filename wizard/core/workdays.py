"""Working days: counting days forward while skipping weekends and bank holidays.

`add_working_days` is pure (the days off are passed in). `bank_holidays` reads them from the maintained, offline
`holidays` package. Importing that package's calendars takes ~150 ms, so the UK's are also kept as a table made from
it (`bank_holiday_table.py`, written by `python -m wizard.core.workdays --write-table`; a test checks it against the
package installed): a plan within the table's years never imports the package (bench/README.md, resume_ratio and
page_first_visit_ms). Any other calendar or year, or another version of the package, is read from the package.
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

# The calendars and years the table holds (see `table_source`): the UK's four, from a few years back to well past
# any onboarding planned now.
TABLE_CALENDARS = (("GB", "ENG"), ("GB", "WLS"), ("GB", "SCT"), ("GB", "NIR"))
TABLE_YEARS = range(2020, 2046)


def calendars_loaded(country: str = "", subdivision: str | None = None, years: Iterable[int] = ()) -> bool:
    """True when `bank_holidays` answers at once for these years: the table holds them, or the `holidays`
    package's calendars are imported and a lookup has finished. Otherwise the first call imports them (~150 ms),
    which the journey page does after it is drawn. (Not "is it in sys.modules": a module is there from the start of
    its import, so another thread would take a half-imported package for a loaded one.)"""
    return bool(_loaded) or _from_table(country, subdivision, tuple(sorted(set(years)))) is not None


def bank_holidays(country: str, subdivision: str | None, years: Iterable[int]) -> frozenset[dt.date]:
    """The public holidays of a country (and subdivision) in the given years, from the `holidays` package (or the
    table made from it).

    Raises WizardError, in plain words, when the package does not know the country or subdivision.
    """
    wanted = tuple(sorted(set(years)))
    return _from_table(country, subdivision, wanted) or _bank_holidays(country, subdivision, wanted)


@lru_cache(maxsize=8)
def _from_table(country: str, subdivision: str | None, years: tuple[int, ...]) -> frozenset[dt.date] | None:
    """The days from the table, or None when it does not hold them all, or was made from another version of the
    `holidays` package than the one installed (a newer one may know a holiday announced since)."""
    if not years or (country, subdivision) not in TABLE_CALENDARS or not set(years) <= set(TABLE_YEARS):
        return None
    from wizard.core.bank_holiday_table import HOLIDAYS_VERSION, TABLE

    installed = _installed_version()
    if installed is not None and installed != HOLIDAYS_VERSION:
        return None
    calendar = TABLE[f"{country}-{subdivision}"]
    return frozenset(dt.date.fromisoformat(day) for year in years for day in calendar[year])


@lru_cache(maxsize=1)
def _installed_version() -> str | None:
    """The installed `holidays` version from its dist-info folder's name, without importing the package or
    importlib.metadata (~25 ms); None where that cannot be seen (a frozen build, which ships the version the table
    was made from)."""
    import importlib.util
    import os
    from pathlib import Path

    spec = importlib.util.find_spec("holidays")
    if spec is None or spec.origin is None:
        return None
    site = Path(spec.origin).parent.parent
    try:
        with os.scandir(site) as entries:
            names = [e.name for e in entries if e.name.startswith("holidays-") and e.name.endswith(".dist-info")]
    except OSError:
        return None
    return names[0][len("holidays-"):-len(".dist-info")] if len(names) == 1 else None


def table_source() -> str:
    """The source of bank_holiday_table.py, from the `holidays` package installed."""
    from importlib.metadata import version

    import holidays

    lines = ['"""Bank holidays of the UK, made from the `holidays` package by `python -m wizard.core.workdays',
             '--write-table` (do not edit; tests/core/test_workdays.py checks it against the package installed)."""',
             "", f'HOLIDAYS_VERSION = "{version("holidays")}"', "", "TABLE: dict[str, dict[int, tuple[str, ...]]] = {"]
    for country, subdivision in TABLE_CALENDARS:
        lines.append(f'    "{country}-{subdivision}": {{')
        found = holidays.country_holidays(country, subdiv=subdivision, years=TABLE_YEARS)
        for year in TABLE_YEARS:
            days = [f'"{d.isoformat()}",' for d in sorted(d for d in found if d.year == year)]
            lines.append(f"        {year}: (")
            lines += ["            " + " ".join(days[i:i + 7]) for i in range(0, len(days), 7)]
            lines.append("        ),")
        lines.append("    },")
    lines.append("}")
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=8)
def _bank_holidays(country: str, subdivision: str | None, years: tuple[int, ...]) -> frozenset[dt.date]:
    import holidays  # with its calendars, about 150 ms (see calendars_loaded), and only planned dates need it

    try:
        found = holidays.country_holidays(country, subdiv=subdivision, years=years)
    except NotImplementedError as exc:
        place = f"{country}, {subdivision}" if subdivision else country
        raise WizardError(f"The bank holidays of {place} are not known to the holidays package installed "
                          f"({exc}); the profile's timeline names a calendar it cannot give.") from None
    _loaded.append(True)
    return frozenset(found.keys())


if __name__ == "__main__":
    import sys
    from pathlib import Path

    if sys.argv[1:] != ["--write-table"]:
        sys.exit("usage: python -m wizard.core.workdays --write-table")
    Path(__file__).with_name("bank_holiday_table.py").write_text(table_source(), encoding="utf-8")
