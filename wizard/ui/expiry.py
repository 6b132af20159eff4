"""How a certificate's expiry reads on screen: words that carry the meaning on their own, and a colour that repeats
them. Used by the expiry banner (`page_parts.ExpiryBanner`) and the certificates table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from wizard.ui.tones import tone

if TYPE_CHECKING:
    import datetime as dt


@dataclass(frozen=True, slots=True)
class ExpiryStatus:
    """How a certificate's expiry reads: words that carry the meaning on their own, and a colour that repeats it."""

    words: str
    colour: str


def expiry_status(status: str, days_left: int, *, expired_action: str = "replace it now") -> ExpiryStatus:
    """`status` is core's inventory status: "ok", "soon" (inside the reminder lead time) or "expired"."""
    if status == "expired":
        ago = -days_left
        when = "today" if ago <= 0 else f"{ago} day{'s' if ago != 1 else ''} ago"
        return ExpiryStatus(f"Expired {when}: {expired_action}", tone("error"))
    plural = "s" if days_left != 1 else ""
    if status == "soon":
        return ExpiryStatus(f"Renew soon: {days_left} day{plural} left", tone("warning"))
    return ExpiryStatus(f"OK: {days_left} day{plural} left", tone("ok"))


@dataclass(frozen=True, slots=True)
class ExpiryLine:
    """One certificate, or the verified domain (`what` = "domain", with `advice`: how it is renewed), that needs
    attention, as the banner lists it."""

    kind_name: str
    subject: str
    not_after: dt.date  # a certificate's date and time; the domain's last day
    status: str
    days_left: int
    what: str = "certificate"
    advice: str = ""
