"""New passwords are judged by a maintained estimator (zxcvbn), not by character classes: common passwords with
substitutions, dictionary words with digits and repeated letters are refused with a reason; a generated
passphrase is described by its real entropy; opening an existing file vault never judges its passphrase."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.core import packaging
from wizard.core.errors import InvalidInput
from wizard.core.packaging import generate_passphrase
from wizard.core.passwords import generated_bits, strength_bits, strength_words
from wizard.core.vault import FileStore, WrongPassphrase, check_passphrase


@pytest.mark.parametrize("weak", ["P@ssw0rd2025", "password1234", "aaaaaaaabcde", "qwertyuiop12"])
def test_guessable_passwords_are_refused_with_a_reason(weak: str) -> None:
    with pytest.raises(InvalidInput, match="easy to guess") as refused:
        packaging.check_password(weak)
    assert refused.value.field == "password"
    assert weak not in str(refused.value)  # the message never repeats the password
    with pytest.raises(InvalidInput, match="easy to guess"):
        check_passphrase(weak + "x" * max(0, 12 - len(weak)))
    assert strength_words(weak).startswith("weak")


@pytest.mark.parametrize("strong", ["Plum-Kettle-Orbit-42-Sunrise", "Quartz-Lantern-Meadow-9041",
                                    "correct horse battery staple"])
def test_unguessable_passwords_are_accepted(strong: str) -> None:
    packaging.check_password(strong)
    check_passphrase(strong)
    assert not strength_words(strong).startswith("weak")


def test_the_generated_passphrase_is_described_by_its_real_entropy() -> None:
    phrase = generate_passphrase()
    assert generated_bits(phrase) == pytest.approx(118.9, abs=0.05)  # 24 characters from 31
    assert strength_bits(phrase) <= 119
    assert strength_words(phrase) == f"very strong (about {strength_bits(phrase)} bits)"
    packaging.check_password(phrase)


def test_opening_an_existing_vault_never_judges_its_passphrase(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secrets.vault"
    FileStore.create(path, "Quartz-Lantern-Meadow-9041", cost=2**14)
    from wizard.core import passwords

    def judged(*_args: object) -> None:
        raise AssertionError("an existing vault's passphrase was judged")

    monkeypatch.setattr(passwords, "refuse_guessable", judged)
    FileStore.open(path, "Quartz-Lantern-Meadow-9041")
    with pytest.raises(WrongPassphrase):
        FileStore.open(path, "password1234")
