"""The DIP IDs page's "Check the webhook…" against a real TLS server on 127.0.0.1 (issue 18, item 2): it asks before
connecting (naming the host), runs the handshake off the GUI thread with the page busy, and shows the findings and
the verdict in plain words; declining connects to nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.pki import rsa_key
from tests.tls_servers import CHANNEL, HOST, TlsServer, webhook_ca, webhook_leaf, webhook_project
from wizard.app import Services
from wizard.core import audit, tls_probe
from wizard.core.flow import PageId
from wizard.ui.pages.dip_ids import DipIdsPage
from wizard.ui.wizard import OnboardingWizard
from wizard.ui.workers import pending_count

from .conftest import FIXED_NOW, FakeDialogs

TIMEOUT_MS = 15_000


@pytest.fixture
def served(services: Services, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, TlsServer]]:
    """A project whose IF-001 goes to https://hook.acme.example/..., and a ready webhook standing in for that host:
    connections the check opens go to the test server (the name sent and checked stays the URL's host)."""
    ca = webhook_ca(FIXED_NOW)
    key = rsa_key(0)
    leaf = webhook_leaf(ca, key, at=FIXED_NOW)
    folder = services.paths.projects_dir / "acme"
    webhook_project(folder, services.profile, leaf, ca, key, clock=services.clock)
    with TlsServer(leaf, key, chain=(ca.intermediate,), request="require", client_cas=(ca.root,)) as server:
        opened: list[tuple[str, int]] = []
        real = tls_probe._open_socket

        def to_test_server(host: str, port: int, timeout: float) -> object:
            opened.append((host, port))
            return real("127.0.0.1", server.port, timeout)

        monkeypatch.setattr(tls_probe, "_open_socket", to_test_server)
        server.opened = opened  # type: ignore[attr-defined]
        yield folder, server


@pytest.fixture
def page(qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard],
         served: tuple[Path, TlsServer]) -> Iterator[DipIdsPage]:
    window = make_wizard()
    window.open_project(served[0])
    window.walk_to(PageId.DIP_IDS)
    window.show()
    current = window.currentPage()
    assert isinstance(current, DipIdsPage)
    yield current
    qtbot.waitUntil(lambda: pending_count() == 0)
    window.close()


def test_the_check_asks_first_then_shows_the_verdict(qtbot: QtBot, page: DipIdsPage, dialogs: FakeDialogs,
                                                     served: tuple[Path, TlsServer]) -> None:
    folder, server = served
    assert page.selected_channel() == CHANNEL
    assert page.check_webhook_button.isEnabled()
    assert not page.webhook_result.isVisible()
    dialogs.confirm_answers.append(True)
    qtbot.mouseClick(page.check_webhook_button, Qt.MouseButton.LeftButton)
    asked = dialogs.confirmed[-1]
    assert f"one secure (TLS) connection to {HOST}:443, the webhook of {CHANNEL}" in asked
    assert "nothing else is sent" in asked
    qtbot.waitUntil(page.webhook_result.isVisible, timeout=TIMEOUT_MS)
    text = page.webhook_result.text()
    assert f"{CHANNEL}: Ready: the webhook at {HOST} passes every check." in text
    assert "The server agreed TLS 1.3" in text
    assert "it accepts certificates from Acme Test Root CA" in text
    assert not page.is_busy()
    assert page.check_webhook_button.isEnabled()
    assert server.opened == [(HOST, 443)]  # type: ignore[attr-defined]
    assert server.connections == 1  # (what follows the handshake: tests/integration/test_webhook_check.py)
    assert [e.details["verdict"] for e in audit.read_entries(folder) if e.event == "webhook checked"] == ["ready"]


def test_declining_connects_to_nothing(qtbot: QtBot, page: DipIdsPage, dialogs: FakeDialogs,
                                       served: tuple[Path, TlsServer]) -> None:
    dialogs.confirm_answers.append(False)
    qtbot.mouseClick(page.check_webhook_button, Qt.MouseButton.LeftButton)
    assert served[1].opened == []  # type: ignore[attr-defined]
    assert not page.is_busy()
    assert not page.webhook_result.isVisible()


def test_a_server_that_is_not_there_is_said_in_one_line(qtbot: QtBot, page: DipIdsPage, dialogs: FakeDialogs,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(host: str, port: int, timeout: float) -> object:
        raise ConnectionRefusedError

    monkeypatch.setattr(tls_probe, "_open_socket", refused)
    dialogs.confirm_answers.append(True)
    qtbot.mouseClick(page.check_webhook_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(page.webhook_result.isVisible, timeout=TIMEOUT_MS)
    assert "Not ready: the webhook of IF-001 could not be checked." in page.webhook_result.text()
    assert f"Nothing is listening at {HOST}:443 (the connection was refused)." in page.webhook_result.text()
    assert page.check_webhook_button.isEnabled()


def test_each_channel_has_its_own_check_button(qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard],
                                               services: Services, dialogs: FakeDialogs,
                                               served: tuple[Path, TlsServer]) -> None:
    """Issue 18, item 2: a button beside each channel; pressing one checks that channel, whichever row is selected."""
    from wizard.core.dipids import set_channel
    from wizard.core.session import ProjectSession
    from wizard.ui.pages import dip_ids

    folder, _ = served
    session = ProjectSession.open(folder, services.profile, services.clock)
    project, _, _ = set_channel(services.profile, session.project, dip_id=session.project.dip_ids[0].id,
                                channel="IF-033", url="https://other.acme.example/dip/if-033")
    session.commit(project)
    window = make_wizard()
    window.open_project(folder)
    window.walk_to(PageId.DIP_IDS)
    window.show()
    page = window.currentPage()
    assert isinstance(page, DipIdsPage)
    table = page.channel_table
    buttons = [table.cellWidget(row, dip_ids.CHECK_COLUMN) for row in range(table.rowCount())]
    assert [b.accessibleName() for b in buttons] == [f"Check the webhook of {CHANNEL}", "Check the webhook of IF-033"]
    assert all(b.focusPolicy() & Qt.FocusPolicy.TabFocus for b in buttons), "reachable from the keyboard"
    table.setCurrentCell(0, 0)
    dialogs.confirm_answers.append(False)
    qtbot.mouseClick(buttons[1], Qt.MouseButton.LeftButton)
    assert "to other.acme.example:443, the webhook of IF-033" in dialogs.confirmed[-1]
    assert page.selected_channel() == "IF-033", "the row whose button was pressed"
    dialogs.confirm_answers.append(True)
    qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
    assert all(not b.isEnabled() for b in buttons), "no second check while one runs"
    qtbot.waitUntil(page.webhook_result.isVisible, timeout=TIMEOUT_MS)
    assert f"{CHANNEL}: Ready" in page.webhook_result.text()
    qtbot.waitUntil(lambda: all(b.isEnabled() for b in buttons))
    window.close()
