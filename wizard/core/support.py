"""Where to get help, in the words the journey page, `status`, the help and every bundle's instructions share.

The contacts are the profile's `[[support]]` tables; this only puts them into sentences.
"""

from __future__ import annotations

from wizard.core.profile import Profile, SupportContact

HEADING = "Where to get help"


def support_line(contact: SupportContact) -> str:
    """'Elexon Support Portal, for any question ...: https://... (the page that names it ...)', one contact."""
    where = " or ".join(a for a in (contact.email, contact.url) if a)
    about = f" ({contact.url_is})" if contact.url and contact.url_is else ""
    unconfirmed = "" if contact.provenance.confirmed else " (not confirmed by public guidance)"
    return f"{contact.name}, for {contact.use_for}: {where}{about}{unconfirmed}"


def support_lines(profile: Profile) -> tuple[str, ...]:
    """Every contact of the profile, in its order."""
    return tuple(support_line(c) for c in profile.support)
