"""Checks and normalisation of what people type: domain, e-mail, phone, company number, names, MPIDs.

Each function returns the normalised value or raises `InvalidInput` with a message that says what is wrong
and what a good value looks like.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata

from wizard.core.errors import InvalidInput

_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}")
_COMPANY_NUMBER = re.compile(r"([0-9]{8}|[A-Z]{2}[0-9]{6}|R[0-9]{7})")
MAX_NAME = 200


def clean_text(field: str, value: str, *, label: str, required: bool = True, limit: int = MAX_NAME) -> str:
    """Trim surrounding space; refuse empty (when required), over-long and control characters."""
    text = " ".join(unicodedata.normalize("NFC", value).split())
    if required and not text:
        raise InvalidInput(field, f"Enter the {label}.")
    if len(text) > limit:
        raise InvalidInput(field, f"The {label} is too long ({len(text)} characters; at most {limit}).")
    # Control and format characters (including invisible ones and right-to-left overrides, which make text
    # display differently from what it says) have no place in names that end up in certificates.
    if any(unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs", "Cn") for c in text):
        raise InvalidInput(field, f"The {label} contains invisible or control characters; retype it by hand.")
    return text


def normalise_domain(value: str, field: str = "domain") -> str:
    """A registered domain such as `example.co.uk`: no scheme, path, port, wildcard or IP address.

    A trailing dot (as the DIP portal may show it) is accepted and removed. The result is the lower-case ASCII
    form, so full-width letters, ideographic dots and international names are stored one way only.
    """
    # NFKC turns full-width letters and the ideographic full stop into their plain forms.
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        raise InvalidInput(field, "Enter the domain your organisation manages, for example example.co.uk.")
    if "://" in text or "/" in text:
        raise InvalidInput(field, "Enter just the domain name, without https:// or a path — "
                                  "for example example.co.uk.")
    if "*" in text:
        raise InvalidInput(field, "Enter the domain without a wildcard (*) — for example example.co.uk.")
    if "@" in text:
        raise InvalidInput(field, "That looks like an e-mail address. Enter only the part after the @.")
    text = text.rstrip(".").lower()
    try:
        ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        pass
    else:
        raise InvalidInput(field, "Enter a domain name, not an IP address.")
    if ":" in text:
        raise InvalidInput(field, "Enter the domain without a port number — for example example.co.uk.")
    try:
        ascii_text = text.encode("idna").decode("ascii")
    except UnicodeError:
        raise InvalidInput(field, f'"{value.strip()}" is not a valid domain name.') from None
    labels = ascii_text.split(".")
    if len(labels) < 2 or len(ascii_text) > 253 or not all(_LABEL.fullmatch(lbl) for lbl in labels):
        raise InvalidInput(field, f'"{value.strip()}" is not a valid domain name. A domain has at least two '
                                  "parts separated by dots, such as example.co.uk.")
    if labels[-1].isdigit():
        raise InvalidInput(field, f'"{value.strip()}" is not a valid domain name.')
    return ascii_text


def normalise_email(value: str, field: str = "email") -> str:
    """An e-mail address with a real domain; surrounding space removed, domain lower-cased."""
    text = value.strip()
    if not text:
        raise InvalidInput(field, "Enter an e-mail address, for example jane.smith@example.co.uk.")
    local, sep, domain = text.rpartition("@")
    if not sep or not _EMAIL_LOCAL.fullmatch(local) or local.startswith(".") or local.endswith(".") \
            or ".." in local:
        raise InvalidInput(field, f'"{text}" is not a valid e-mail address. It should look like '
                                  "jane.smith@example.co.uk.")
    try:
        domain = normalise_domain(domain, field)
    except InvalidInput:
        raise InvalidInput(field, f'"{text}" is not a valid e-mail address: the part after @ is not a '
                                  "domain name.") from None
    return f"{local}@{domain}"


def normalise_phone(value: str, field: str = "phone", *, required: bool = False) -> str:
    """A phone number: digits with optional +, spaces, brackets and dashes; 7 to 15 digits."""
    text = " ".join(value.split())
    if not text:
        if required:
            raise InvalidInput(field, "Enter a direct phone number, for example +44 20 7946 0000.")
        return ""
    if not re.fullmatch(r"\+?[0-9 ()\-]+", text, flags=re.ASCII):
        raise InvalidInput(field, f'"{text}" is not a phone number. Use digits, spaces and an optional '
                                  "leading +, for example +44 20 7946 0000.")
    digits = sum(c in "0123456789" for c in text)
    if not 7 <= digits <= 15:
        raise InvalidInput(field, f'"{text}" has {digits} digits; a phone number has 7 to 15.')
    return text


def normalise_company_number(value: str, field: str = "company_number") -> str:
    """A Companies House number: 8 characters, e.g. 01234567 or SC123456 (shorter numbers are zero-padded)."""
    text = unicodedata.normalize("NFKC", value).strip().upper().replace(" ", "")
    if not text:
        raise InvalidInput(field, "Enter your Companies House company number, for example 01234567.")
    if not text.isascii():
        raise InvalidInput(field, f'"{value.strip()}" is not a Companies House number. Use the letters A-Z and '
                                  "the digits 0-9, for example 01234567.")
    if text.isdigit() and len(text) < 8:
        text = text.zfill(8)
    if not _COMPANY_NUMBER.fullmatch(text):
        raise InvalidInput(field, f'"{value.strip()}" is not a Companies House number. It has 8 characters: '
                                  "8 digits (01234567) or 2 letters and 6 digits (SC123456).")
    return text


def normalise_mpid(value: str, field: str = "mpid") -> str:
    """An MPID as typed: upper-cased, letters and digits only (its exact form is checked softly elsewhere)."""
    text = value.strip().upper()
    if not text:
        raise InvalidInput(field, "Enter the MPID (Market Participant ID), for example ABCD.")
    if not text.isalnum() or not text.isascii() or len(text) > 16:
        raise InvalidInput(field, f'"{value.strip()}" is not an MPID: use letters and digits only, '
                                  "for example ABCD.")
    return text
