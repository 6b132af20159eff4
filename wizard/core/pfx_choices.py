"""The PFX profiles as people choose them: by where the file is going. No cryptography import (cheap at start-up);
`packaging.PFX_PROFILES` adds the ciphers to these."""

from __future__ import annotations

# id: (name, where it opens)
PFX_CHOICES: dict[str, tuple[str, str]] = {
    "modern": ("Modern (AES-256)", "Azure App Service and Functions, Windows 10 (1709+) and Server 2019+, OpenSSL 3, "
                                   "Java 8u301 and later"),
    "compat": ("Compatibility (3DES)", "Windows Server 2016 and older, importing into the macOS Keychain, older Java"),
}
