"""Working days: weekends and bank holidays are skipped, across Christmas and New Year 2026/27 and Easter 2027,
with the bank holidays of England and Wales from the offline `holidays` package."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wizard.core.errors import WizardError
from wizard.core.workdays import add_working_days, bank_holidays, is_working_day

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
