"""The vaults of one run of the wizard, shared by every page that needs a private key or a secret.

The OS keychain is looked for once, in the background; the opt-in file vault is opened once with its passphrase
and then remembered until the window closes, so moving from the keys page to the certificates or packages page
never asks for the passphrase again. Every vault call still runs through `run_in_background`.

The wizard makes it (when a page first asks) and hands it the dialogs; a page that needs a vault passes itself in
as the `StatusPage` that shows the wait and any problem, so this module knows no page and no wizard.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from wizard.core.errors import WizardError
from wizard.core.vault import NO_KEYCHAIN, Vault, VaultProvider
from wizard.ui.workers import run_in_background

if TYPE_CHECKING:
    from wizard.ui.dialogs import Dialogs
    from wizard.ui.page_parts import StatusPage


class VaultAccess(QObject):
    """Where keys are for this run: the keychain once found, the file vault once opened, and the one chosen for new
    keys and secrets (`chosen`: the keychain, or the file vault when the user opted in). `changed` fires on any
    change, so pages can say where keys are kept."""

    changed = Signal()

    def __init__(self, provider: VaultProvider, dialogs: Dialogs, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.provider = provider
        self.dialogs = dialogs                  # asks for the file vault's passphrase
        self.keychain: Vault | None = None      # the OS keychain, once found
        self.keychain_problem = ""              # why there is none, in plain words
        self.checking = False
        self.looked = False                     # the lookup has answered (found or not)
        # Actions that need the keychain before the lookup has answered: they go on when it does.
        self._waiting: list[tuple[StatusPage, Callable[[Vault], None]]] = []
        self.file_vault: Vault | None = None    # the file vault, once opened with its passphrase
        self.chosen: Vault | None = None        # where new keys and secrets go

    # The keychain ----------------------------------------------------------------------------------------

    def look_for_keychain(self, *, after_paint: bool = False) -> None:
        """Look for the OS keychain in the background, unless there is already somewhere to keep keys.

        `after_paint`: the lookup is "under way" at once (so a page says it is looking, never that there is no
        keychain) but its job starts on the next event-loop turn, after the page that asked is painted. The job
        imports keyring, which holds the GIL for much of ~65 ms: started at once, it delayed the keys page's first
        paint by that much (bench/README.md, page_first_visit_ms)."""
        if self.chosen is None:
            self._start_lookup(after_paint=after_paint)

    def _start_lookup(self, *, after_paint: bool = False) -> None:
        if self.checking:
            return
        self.checking = True
        self.changed.emit()
        run_in_background(self.provider.keychain, on_success=self._on_keychain_found,
                          on_error=self._on_keychain_missing, owner=self, after_paint=after_paint)

    def _on_keychain_found(self, vault: Vault) -> None:
        self.checking, self.looked = False, True
        self.keychain = vault
        if self.chosen is None:
            self.chosen = vault
        self.changed.emit()
        waiting, self._waiting = self._waiting, []
        for page, then in waiting:
            # The page stays busy into the work `then` starts (a wait that ended and began again would flicker,
            # and a watcher of the page's busy state would take the gap for the end); if `then` started no wait
            # of its own, the lookup's ends here.
            count = page.busy_count
            then(vault)
            if page.busy_count == count:
                page.clear_busy()

    def _on_keychain_missing(self, error: BaseException) -> None:
        self.checking, self.looked = False, True
        if isinstance(error, WizardError):
            self.keychain_problem = str(error)
        self.changed.emit()
        waiting, self._waiting = self._waiting, []
        for page, _ in waiting:
            page.clear_busy()
            page.show_error(self.problem())
        if not isinstance(error, WizardError):
            # Not the user's doing: the crash handler saves a redacted report and says so, as everywhere else.
            sys.excepthook(type(error), error, error.__traceback__)

    def problem(self) -> str:
        """Why keys cannot be kept or reached in the keychain right now, in plain words."""
        if self.checking:
            return "Still looking for this computer's keychain. Try again in a moment."
        return self.keychain_problem or NO_KEYCHAIN

    # The file vault --------------------------------------------------------------------------------------

    def use_file_vault(self, page: StatusPage, then: Callable[[Vault], None]) -> None:
        """Opt in to the file vault for new keys (asking for its passphrase unless it is open), then call `then`."""
        def choose(vault: Vault) -> None:
            self.chosen = vault
            self.changed.emit()
            then(vault)

        if self.file_vault is not None:
            choose(self.file_vault)
            return
        passphrase = self.dialogs.ask_passphrase(page, new=not self.provider.file_vault_exists(),
                                                 vault_path=self.provider.file_path)
        if passphrase is not None:
            self.open_file_vault(page, passphrase, choose)

    def open_file_vault(self, page: StatusPage, passphrase: str, then: Callable[[Vault], None]) -> None:
        """Open (or create) the file vault in the background, with `page` busy meanwhile."""
        page.clear_error()
        page.set_busy("Opening your file vault…" if self.provider.file_vault_exists() else
                      "Creating your file vault…")

        def opened(vault: Vault) -> None:
            page.clear_busy()
            self.file_vault = vault
            then(vault)

        provider = self.provider
        run_in_background(lambda: provider.file(passphrase), on_success=opened, on_error=page.report_failure,
                          owner=page)

    # Reaching a recorded key ---------------------------------------------------------------------------------

    def with_vault_for(self, page: StatusPage, vault_kind: str, then: Callable[[Vault], None]) -> None:
        """Call `then` with the vault that holds a recorded secret (`vault_kind` is "keychain" or "file"), asking
        for the file vault's passphrase if it is not open yet; otherwise say on `page` why it cannot be reached."""
        if vault_kind != "file":
            if self.keychain is not None:
                then(self.keychain)
            elif self.looked:
                page.show_error(self.problem())
            else:
                # Only the keys page looks for the keychain as it opens (it says where keys are kept); elsewhere the
                # first action that needs it looks, and goes on when the answer comes (bench/README.md,
                # resume_ratio: the lookup imports keyring, ~65-130 ms).
                page.set_busy("Looking for this computer's keychain…")
                self._waiting.append((page, then))
                self._start_lookup()  # even where the file vault was chosen for new keys: this one is here
            return
        if self.file_vault is not None:
            then(self.file_vault)
            return
        if not self.provider.file_vault_exists():
            page.show_error(f"This key was kept in a file vault that is no longer at {self.provider.file_path}, "
                            "so it cannot be used. Make a new key.")
            return
        passphrase = self.dialogs.ask_passphrase(page, new=False, vault_path=self.provider.file_path)
        if passphrase is not None:
            self.open_file_vault(page, passphrase, then)
