"""`keygen_ratio`: the app's whole path for an RSA-4096 key over the library's key generation inside that path.

The app side is one call of `wizard.core.keys.create_key` (generate, serialise to PKCS#8, store in the vault as
chunks plus an integrity record, in the real OS keychain). The floor side is the library's generation call timed
inside that very call (`NewKey.generation_seconds`). RSA key generation searches for random primes, so its time
varies several-fold from one key to the next; two separate series could not be compared, but both sides of a run
share the same key, so the per-run ratio cancels that variation out.

Without a working OS keychain the result is "unavailable" with the reason: a memory store would measure something
else. Every key stored is deleted again.
"""

from __future__ import annotations

import time

from bench.common import Context, RatioResult

MIN_RUNS = 20
ALGORITHM = "rsa-4096"


def keygen_ratio(ctx: Context) -> RatioResult:
    from wizard.app import default_profile_path, utc_now
    from wizard.core.errors import WizardError
    from wizard.core.keychain import probe_keychain
    from wizard.core.keys import create_key
    from wizard.core.profile import load_profile
    from wizard.core.vault import Vault, open_keychain

    status = probe_keychain(round_trip=True, timeout=ctx.timeout_s)
    if not status.is_os_keychain:
        return RatioResult.unavailable("ms", f"no OS keychain here ({status.backend}): {status.detail}")
    if status.works is not True:
        return RatioResult.unavailable("ms", f"the OS keychain ({status.name}) does not work: {status.detail}")
    try:
        vault = Vault(open_keychain())
    except WizardError as exc:
        return RatioResult.unavailable("ms", str(exc))
    profile = load_profile(default_profile_path())
    kind = next(k for k in profile.certificate_kinds if ALGORITHM in k.algorithms)
    runs = max(MIN_RUNS, ctx.runs)
    generation_ms: list[float] = []
    whole_ms: list[float] = []
    for i in range(runs + 1):  # run 0 is a warm-up (imports, the first D-Bus connection): not counted
        label = "warm-up" if i == 0 else f"run {i}/{runs}"
        started = time.perf_counter()
        try:
            new = create_key(kind, ALGORITHM, vault, utc_now(), key_id=f"k-bench-{i}", entry=f"k-bench-{i}")
        except WizardError as exc:
            return RatioResult("ms", generation_ms, whole_ms, "error", f"{vault.name}, {label}: {exc}")
        whole = time.perf_counter() - started
        try:
            vault.delete(new.record.id)
        except WizardError as exc:
            return RatioResult("ms", generation_ms, whole_ms, "error",
                               f"{vault.name}, {label}: could not delete the test key {new.record.id}: {exc}")
        ctx.progress(f"bench: keygen {label}: generation {new.generation_seconds * 1000:.0f} ms, whole path "
                     f"{whole * 1000:.0f} ms, ratio {whole / new.generation_seconds:.3f}")
        if i > 0:
            generation_ms.append(new.generation_seconds * 1000)
            whole_ms.append(whole * 1000)
    return RatioResult("ms", generation_ms, whole_ms, detail=f"keychain: {vault.name} ({status.backend}); "
                       f"{ALGORITHM} for the {kind.id} kind; {runs} runs after a warm-up; every test key deleted")
