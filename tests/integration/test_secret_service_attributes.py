"""The Secret Service batching writes entries through secretstorage's public API exactly as keyring writes them
(same attributes, same label), so keyring and `secret-tool` read the wizard's entries and the wizard reads keyring's
(issue 16, item 10)."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest

from wizard.core.keychain import SERVICE, KeychainStatus
from wizard.core.vault import open_keychain

pytestmark = [pytest.mark.keychain,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="drives the Secret Service directly")]


def item_of(entry: str) -> tuple[str, dict[str, str]]:
    """The label and attributes of the one item for `entry` under the wizard's service, as the daemon holds them."""
    import secretstorage

    connection = secretstorage.dbus_init()
    try:
        collection = secretstorage.get_default_collection(connection)
        items = list(collection.search_items({"service": SERVICE, "username": entry}))
        assert len(items) == 1, f"{len(items)} items for {entry}"
        return items[0].get_label(), dict(items[0].get_attributes())
    finally:
        connection.close()


@pytest.fixture
def entries(real_keychain: KeychainStatus) -> Iterator[list[str]]:
    import keyring

    made: list[str] = []
    yield made
    for entry in made:
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            keyring.delete_password(SERVICE, entry)


def test_an_entry_written_in_a_batch_is_the_entry_keyring_writes(entries: list[str],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    import secretstorage

    sent: list[tuple[str, dict[str, str]]] = []  # what each side asks the daemon to store: label, attributes
    create_item = secretstorage.Collection.create_item

    def recording(self: secretstorage.Collection, label: str, attributes: dict[str, str], *args: object,
                  **kwargs: object) -> object:
        sent.append((label, dict(attributes)))
        return create_item(self, label, attributes, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(secretstorage.Collection, "create_item", recording)
    store = open_keychain()
    entries += ["attr-test/batch", "attr-test/keyring"]
    with store.batch():
        store.put("attr-test/batch", "from the batch")
    keyring.set_password(SERVICE, "attr-test/keyring", "from keyring")
    (batch_label, batch_sent), (keyring_label, keyring_sent) = sent
    assert batch_sent == {**keyring_sent, "username": "attr-test/batch"}
    assert set(batch_sent) == {"service", "username", "application"}
    assert batch_label == keyring_label.replace("attr-test/keyring", "attr-test/batch")

    # As stored (gnome-keyring may add its own xdg:schema to an item, whoever wrote it).
    stored = {entry: {k: v for k, v in item_of(entry)[1].items() if k != "xdg:schema"}
              for entry in ("attr-test/batch", "attr-test/keyring")}
    assert stored == {"attr-test/batch": batch_sent, "attr-test/keyring": keyring_sent}

    # Each side reads the other's entry: keyring and secret-tool read the batch's, the batch reads keyring's.
    assert keyring.get_password(SERVICE, "attr-test/batch") == "from the batch"
    secret_tool = shutil.which("secret-tool")
    if secret_tool is None:
        pytest.fail("secret-tool is not installed (.ci/run installs libsecret-tools)")
    done = subprocess.run([secret_tool, "lookup", "service", SERVICE, "username", "attr-test/batch"],
                          capture_output=True, text=True, timeout=30, check=False)
    assert (done.returncode, done.stdout) == (0, "from the batch")
    with store.batch():
        assert store.get("attr-test/keyring") == "from keyring"
        store.delete("attr-test/keyring")
        assert store.get("attr-test/keyring") is None
    assert keyring.get_password(SERVICE, "attr-test/keyring") is None
