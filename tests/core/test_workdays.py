"""Working days: weekends and bank holidays are skipped, across Christmas and New Year 2026/27 and Easter 2027,
with the bank holidays of England and Wales from the offline `holidays` package."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import wizard.core.workdays as workdays
from wizard.core.errors import WizardError
from wizard.core.workdays import add_working_days, bank_holidays, calendars_loaded, is_working_day

D = dt.date
# The bank holidays of England and Wales around the dates below (gov.uk/bank-holidays): Christmas Day on a Friday,
# Boxing Day on a Saturday (so Monday 28 December instead), New Year's Day 2027 on a Friday, Easter 2027.
ENGLAND_AND_WALES = frozenset({D(2026, 12, 25), D(2026, 12, 28), D(2027, 1, 1), D(2027, 3, 26), D(2027, 3, 29)})


@pytest.fixture(scope="module")
def package_days() -> frozenset[dt.date]:
    return bank_holidays("GB", "ENG", range(2026, 2028))


@pytest.mark.parametrize(("start", "n", "expected"), [
    (D(2026, 3, 2), 0, D(2026, 3, 2)),     # Monday + 0: the day itself
    (D(2026, 3, 2), 4, D(2026, 3, 6)),     # Monday + 4: Friday
    (D(2026, 3, 2), 5, D(2026, 3, 9)),     # Monday + 5: the weekend is skipped
    (D(2026, 3, 2), 7, D(2026, 3, 11)),
    (D(2026, 3, 6), 1, D(2026, 3, 9)),     # Friday + 1: Monday
    (D(2026, 3, 7), 1, D(2026, 3, 9)),     # Saturday + 1: Monday
    (D(2026, 3, 8), 1, D(2026, 3, 9)),     # Sunday + 1: Monday
    (D(2026, 12, 24), 1, D(2026, 12, 29)),  # Christmas Day, the weekend, Boxing Day (observed)
    (D(2026, 12, 24), 5, D(2027, 1, 5)),    # 29, 30, 31 December; New Year's Day skipped; 4, 5 January
    (D(2026, 12, 23), 7, D(2027, 1, 6)),    # 24, 29, 30, 31 December; 4, 5, 6 January
    (D(2027, 3, 25), 1, D(2027, 3, 30)),    # Good Friday, the weekend, Easter Monday
    (D(2027, 3, 24), 4, D(2027, 4, 1)),     # 25, 30, 31 March, 1 April
])
def test_add_working_days(start: dt.date, n: int, expected: dt.date) -> None:
    assert add_working_days(start, n, ENGLAND_AND_WALES) == expected


def test_without_the_holidays_christmas_would_count() -> None:
    """The holidays make the difference (so the cases above test them, not only the weekends)."""
    assert add_working_days(D(2026, 12, 24), 1, frozenset()) == D(2026, 12, 25)
    assert add_working_days(D(2027, 3, 25), 1, frozenset()) == D(2027, 3, 26)


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        add_working_days(D(2026, 3, 2), -1, frozenset())


@given(start=st.dates(D(2020, 1, 1), D(2035, 12, 31)), n=st.integers(1, 40))
def test_the_result_is_a_working_day_exactly_n_working_days_on(start: dt.date, n: int) -> None:
    end = add_working_days(start, n, ENGLAND_AND_WALES)
    assert is_working_day(end, ENGLAND_AND_WALES)
    between = [start + dt.timedelta(days=i) for i in range(1, (end - start).days + 1)]
    assert sum(is_working_day(d, ENGLAND_AND_WALES) for d in between) == n


def test_the_package_gives_the_bank_holidays_of_england_and_wales(package_days: frozenset[dt.date]) -> None:
    assert package_days >= ENGLAND_AND_WALES
    assert D(2026, 8, 31) in package_days        # the Summer bank holiday of England and Wales
    assert D(2026, 8, 3) not in package_days     # Scotland's is in early August
    assert D(2027, 1, 4) not in package_days     # Scotland's 2 January (observed) is not a holiday here
    assert D(2026, 3, 17) not in package_days    # St Patrick's Day is Northern Ireland's
    for start, n, expected in [(D(2026, 12, 24), 5, D(2027, 1, 5)), (D(2027, 3, 25), 1, D(2027, 3, 30))]:
        assert add_working_days(start, n, package_days) == expected


def test_england_and_wales_share_their_bank_holidays() -> None:
    """Why the profile names the ENG subdivision for England and Wales: the package has no joint code, and its
    WLS calendar is the same."""
    years = range(2024, 2036)
    assert bank_holidays("GB", "ENG", years) == bank_holidays("GB", "WLS", years)


def test_an_unknown_calendar_is_a_plain_error() -> None:
    with pytest.raises(WizardError, match="bank holidays of GB, XX are not known"):
        bank_holidays("GB", "XX", [2026])
    with pytest.raises(WizardError, match="bank holidays of ZZ are not known"):
        bank_holidays("ZZ", None, [2026])


def test_the_uk_table_is_what_the_package_installed_gives() -> None:
    """The table (wizard/core/bank_holiday_table.py) is made from the package; when a new version of the package
    knows another holiday, this fails: run `python -m wizard.core.workdays --write-table`."""
    from wizard.core.bank_holiday_table import HOLIDAYS_VERSION

    expected = workdays.table_source()
    written = Path(workdays.__file__).with_name("bank_holiday_table.py").read_text(encoding="utf-8")
    assert written == expected, f"the table was made from holidays {HOLIDAYS_VERSION}: write it again"
    assert workdays._installed_version() in (HOLIDAYS_VERSION, None)


def test_dates_the_table_holds_never_import_the_package() -> None:
    """A plan within the table's years answers at once: the package's calendars (~150 ms) are not imported."""
    code = ("import sys\n"
            "from wizard.core.workdays import bank_holidays, calendars_loaded\n"
            "assert calendars_loaded('GB', 'ENG', range(2026, 2028))\n"
            "days = bank_holidays('GB', 'ENG', range(2026, 2028))\n"
            "print(' '.join(sorted(d.isoformat() for d in days)), 'holidays' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    package = sorted(d.isoformat() for d in workdays._bank_holidays("GB", "ENG", (2026, 2027)))
    assert done.stdout.split() == [*package, "False"]


@pytest.mark.parametrize(("calendar", "years"), [(("GB", "ENG"), range(2046, 2048)), (("GB", "SCT"), [2019, 2020]),
                                                  (("IE", None), [2026])])
def test_what_the_table_does_not_hold_comes_from_the_package(calendar: tuple[str, str | None],
                                                              years: list[int]) -> None:
    assert not calendars_loaded(*calendar, years) or workdays._loaded, "not at hand before a lookup"
    from_package = workdays._bank_holidays(*calendar, tuple(years))
    assert bank_holidays(*calendar, years) == from_package
    assert calendars_loaded(*calendar, years), "at hand once the package is loaded"


def test_another_version_of_the_package_is_asked_instead_of_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """A newer package may know a holiday announced after the table was made (a coronation, a jubilee)."""
    workdays._from_table.cache_clear()
    monkeypatch.setattr(workdays, "_installed_version", lambda: "0.999")
    try:
        assert workdays._from_table("GB", "ENG", (2026,)) is None
        assert bank_holidays("GB", "ENG", [2026]) == workdays._bank_holidays("GB", "ENG", (2026,))
    finally:
        workdays._from_table.cache_clear()


def test_the_table_and_the_package_agree_on_every_calendar_it_holds() -> None:
    years = tuple(workdays.TABLE_YEARS)
    for calendar in workdays.TABLE_CALENDARS:
        assert workdays._from_table(*calendar, years) == workdays._bank_holidays(*calendar, years), calendar
