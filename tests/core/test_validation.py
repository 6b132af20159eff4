"""What people type: domains, e-mail addresses, phone numbers, company numbers, MPIDs and free text."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wizard.core.errors import InvalidInput
from wizard.core.validation import (
    clean_text,
    normalise_company_number,
    normalise_domain,
    normalise_email,
    normalise_mpid,
    normalise_phone,
)

# ---------------------------------------------------------------- domains


@pytest.mark.parametrize(("typed", "expected"), [
    ("example.co.uk", "example.co.uk"),
    ("Example.CO.UK", "example.co.uk"),
    ("example.co.uk.", "example.co.uk"),  # the DIP portal may show a trailing dot
    ("  EXAMPLE.com.  ", "example.com"),
    ("dip-test.energy-co.example", "dip-test.energy-co.example"),
    ("xn--bcher-kva.de", "xn--bcher-kva.de"),
    ("a1.io", "a1.io"),
    ("a" * 63 + ".com", "a" * 63 + ".com"),
])
def test_good_domains_are_normalised(typed: str, expected: str) -> None:
    assert normalise_domain(typed) == expected


def test_international_domain_is_accepted() -> None:
    result = normalise_domain("Bücher.DE")
    assert result.encode("idna") == b"xn--bcher-kva.de"


@pytest.mark.parametrize(("typed", "hint"), [
    ("", "Enter the domain"),
    ("   ", "Enter the domain"),
    ("https://example.co.uk", "without https://"),
    ("http://example.co.uk", "without https://"),
    ("example.co.uk/dip/webhook", "or a path"),
    ("*.example.co.uk", "without a wildcard"),
    ("192.0.2.10", "not an IP address"),
    ("192.0.2.10.", "not an IP address"),
    ("example.co.uk:443", "without a port"),
    ("localhost", "at least two parts"),
    ("jane.smith@example.co.uk", "looks like an e-mail address"),
    ("-dip.example.com", "is not a valid domain name"),
    ("dip-.example.com", "is not a valid domain name"),
    ("exa_mple.com", "is not a valid domain name"),
    ("exa mple.com", "is not a valid domain name"),
    ("example..com", "is not a valid domain name"),
    (".example.com", "is not a valid domain name"),
    ("a" * 64 + ".com", "is not a valid domain name"),
    (".".join(["a" * 63] * 4) + ".com", "is not a valid domain name"),  # 259 characters
    ("example.123", "is not a valid domain name"),
    ("1.2.3", "is not a valid domain name"),
])
def test_bad_domains_are_refused_with_a_hint(typed: str, hint: str) -> None:
    with pytest.raises(InvalidInput) as info:
        normalise_domain(typed)
    assert info.value.field == "domain"
    assert hint in str(info.value)


def test_domain_error_names_the_given_field() -> None:
    with pytest.raises(InvalidInput) as info:
        normalise_domain("localhost", field="webhook_domain")
    assert info.value.field == "webhook_domain"


@pytest.mark.parametrize(("typed", "expected"), [
    ("ＥＸＡＭＰＬＥ.com", "example.com"),  # full-width letters, e.g. from a CJK input method
    ("example。com", "example.com"),  # ideographic full stop
], ids=["full-width letters", "ideographic full stop"])
def test_domain_spellings_that_idna_maps_to_ascii_are_stored_as_ascii(typed: str, expected: str) -> None:
    """The IDNA check passes these because it maps them to plain ASCII; the stored value must be that form."""
    assert normalise_domain(typed) == expected


# ---------------------------------------------------------------- e-mail


@pytest.mark.parametrize(("typed", "expected"), [
    ("jane.smith@example.co.uk", "jane.smith@example.co.uk"),
    ("Jane.Smith@Example.CO.UK", "Jane.Smith@example.co.uk"),  # the local part keeps its case
    ("  jane@example.com  ", "jane@example.com"),
    ("o'neil+dip@example.co.uk", "o'neil+dip@example.co.uk"),
    ("jane@example.com.", "jane@example.com"),
    ("dip-team@mail.example.co.uk", "dip-team@mail.example.co.uk"),
])
def test_good_emails_are_normalised(typed: str, expected: str) -> None:
    assert normalise_email(typed) == expected


@pytest.mark.parametrize(("typed", "hint"), [
    ("", "Enter an e-mail address"),
    ("jane", "is not a valid e-mail address"),
    ("jane@", "the part after @ is not a domain name"),
    ("@example.com", "is not a valid e-mail address"),
    ("jane@@example.com", "is not a valid e-mail address"),
    ("jane..smith@example.com", "is not a valid e-mail address"),
    (".jane@example.com", "is not a valid e-mail address"),
    ("jane.@example.com", "is not a valid e-mail address"),
    ("jane smith@example.com", "is not a valid e-mail address"),
    ("jane@localhost", "the part after @ is not a domain name"),
    ("jane@192.0.2.1", "the part after @ is not a domain name"),
    ("jane@example.com/x", "the part after @ is not a domain name"),
    ("a" * 65 + "@example.com", "is not a valid e-mail address"),
])
def test_bad_emails_are_refused(typed: str, hint: str) -> None:
    with pytest.raises(InvalidInput) as info:
        normalise_email(typed)
    assert info.value.field == "email"
    assert hint in str(info.value)


# ---------------------------------------------------------------- phone


@pytest.mark.parametrize(("typed", "expected"), [
    ("+44 20 7946 0000", "+44 20 7946 0000"),
    ("  +44   20\t7946 0000 ", "+44 20 7946 0000"),
    ("(020) 7946-0000", "(020) 7946-0000"),
    ("1234567", "1234567"),  # 7 digits, the fewest allowed
    ("+123456789012345", "+123456789012345"),  # 15 digits, the most allowed
])
def test_good_phones(typed: str, expected: str) -> None:
    assert normalise_phone(typed) == expected


@pytest.mark.parametrize(("typed", "hint"), [
    ("123456", "has 6 digits; a phone number has 7 to 15"),
    ("+1234567890123456", "has 16 digits"),
    ("+44 20 7946 0000 ext 12", "is not a phone number"),
    ("44+20 7946 0000", "is not a phone number"),
    ("++44 20 7946 0000", "is not a phone number"),
    ("０２０ ７９４６ ００００", "is not a phone number"),
])
def test_bad_phones(typed: str, hint: str) -> None:
    with pytest.raises(InvalidInput) as info:
        normalise_phone(typed)
    assert info.value.field == "phone"
    assert hint in str(info.value)


def test_blank_phone_is_allowed_unless_required() -> None:
    assert normalise_phone("   ") == ""
    with pytest.raises(InvalidInput, match="Enter a direct phone number"):
        normalise_phone("   ", required=True)


# ---------------------------------------------------------------- company number


@pytest.mark.parametrize(("typed", "expected"), [
    ("01234567", "01234567"),
    ("1234567", "01234567"),
    ("123", "00000123"),
    ("sc123456", "SC123456"),
    ("SC 123 456", "SC123456"),
    (" ni012345 ", "NI012345"),
    ("OC301234", "OC301234"),
    ("R1234567", "R1234567"),
])
def test_good_company_numbers(typed: str, expected: str) -> None:
    assert normalise_company_number(typed) == expected


@pytest.mark.parametrize("typed", ["", "123456789", "SC12345", "SC1234567", "ABC12345", "12-34567", "S1234567",
                                   "SC-123456", "1234567A"])
def test_bad_company_numbers(typed: str) -> None:
    with pytest.raises(InvalidInput) as info:
        normalise_company_number(typed)
    assert info.value.field == "company_number"
    assert "company number" in str(info.value).lower() or "Companies House" in str(info.value)


_ASCII_COMPANY_NUMBER = re.compile(r"[0-9]{8}|[A-Z]{2}[0-9]{6}|R[0-9]{7}")


@given(st.text(alphabet=string.ascii_letters + string.digits + " -", max_size=12))
def test_accepted_company_numbers_always_have_the_companies_house_form(typed: str) -> None:
    try:
        result = normalise_company_number(typed)
    except InvalidInput:
        return
    assert _ASCII_COMPANY_NUMBER.fullmatch(result)


@pytest.mark.parametrize("typed", ["１２３４５６７８", "١٢٣٤٥٦٧٨", "SC１２３４５６"],
                         ids=["full-width digits", "arabic-indic digits", "SC and full-width digits"])
def test_company_number_with_non_ascii_digits_is_refused_or_made_ascii(typed: str) -> None:
    """Python's \\d and str.isdigit accept any Unicode digit; a Companies House number is ASCII only."""
    try:
        result = normalise_company_number(typed)
    except InvalidInput:
        return
    assert _ASCII_COMPANY_NUMBER.fullmatch(result), f"{typed!r} was accepted as {result!r}"


# ---------------------------------------------------------------- MPID and free text


@pytest.mark.parametrize(("typed", "expected"), [("abcd", "ABCD"), (" AbC1 ", "ABC1"), ("X" * 16, "X" * 16)])
def test_good_mpids(typed: str, expected: str) -> None:
    assert normalise_mpid(typed) == expected


@pytest.mark.parametrize(("typed", "hint"), [
    ("", "Enter the MPID"),
    ("AB-CD", "letters and digits only"),
    ("AB CD", "letters and digits only"),
    ("ÄBCD", "letters and digits only"),
    ("X" * 17, "letters and digits only"),
])
def test_bad_mpids(typed: str, hint: str) -> None:
    with pytest.raises(InvalidInput) as info:
        normalise_mpid(typed)
    assert info.value.field == "mpid"
    assert hint in str(info.value)


def test_clean_text_collapses_space_and_checks_limits() -> None:
    assert clean_text("name", "  Jane \t  Smith \n", label="name") == "Jane Smith"
    assert clean_text("name", "   ", label="job title", required=False) == ""
    with pytest.raises(InvalidInput, match="Enter the person's name"):
        clean_text("name", " ", label="person's name")
    with pytest.raises(InvalidInput, match=r"too long \(201 characters; at most 200\)"):
        clean_text("name", "x" * 201, label="name")
    with pytest.raises(InvalidInput, match="invisible or control characters") as info:
        clean_text("org", "Acme\x00 Ltd", label="name")
    assert info.value.field == "org"
