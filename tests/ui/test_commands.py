"""GUI-related commands typed as a user would: --self-test, gui --demo --screenshots, the start-up hook."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    return subprocess.run([sys.executable, "-m", "wizard", *args], capture_output=True, text=True, env=full_env,
                          timeout=120, check=False)


def test_self_test_passes_and_says_plainly_when_there_is_no_keychain() -> None:
    result = run("--self-test", env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for check in ("imports", "resources", "profile", "window"):
        assert any(line.startswith(f"ok    {check}:") for line in lines), check
    keychain = next(line for line in lines if "keychain:" in line)
    assert keychain.startswith("warn")
    assert "No OS keychain was found" in keychain
    assert "The app can run here." in result.stdout
    assert "Traceback" not in result.stderr


def test_self_test_fails_for_a_broken_profile(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[profile]\nid = 'x'\n")
    result = run("--self-test", "--dip-profile", str(broken))
    assert result.returncode == 1
    assert "FAIL  profile: broken.toml: profile.schema: is missing" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_demo_screenshots_render_every_page(tmp_path: Path) -> None:
    out = tmp_path / "shots"
    result = run("gui", "--demo", "--screenshots", str(out))
    assert result.returncode == 0, result.stderr
    files = sorted(p.name for p in out.glob("*.png"))
    assert files == ["01-welcome.png", "02-organisation.png", "03-people.png", "04-person.png", "05-journey.png",
                     "06-keys.png", "07-certificates.png", "08-packages.png", "09-domain.png", "10-dip-ids.png",
                     "11-renewal.png", "12-promotion.png", "13-audit.png", "14-help.png", "15-bundle.png",
                     "16-journey-dark.png"]
    assert brightness(QImage(str(out / "05-journey.png"))) > 0.6
    assert brightness(QImage(str(out / "16-journey-dark.png"))) < 0.35, "the dark-mode screen is dark"
    for name in files:
        image = QImage(str(out / name))
        assert image.width() >= 600, name
        assert image.height() >= 500, name
        # A blank render is one colour; a real page has text and widgets of many colours.
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
        assert len(colours) > 20, name


def brightness(image: QImage) -> float:
    """Mean lightness of a sample of the image's pixels, 0 (black) to 1 (white)."""
    samples = [image.pixelColor(x, y).lightnessF() for x in range(0, image.width(), 11)
               for y in range(0, image.height(), 11)]
    return sum(samples) / len(samples)


def uniform_blocks(image: QImage) -> float:
    """The share of aligned 2x2 pixel blocks whose four pixels are identical: 1.0 for an image enlarged from half
    its size, clearly less for one drawn at full resolution (text and edges are finer than 2 pixels)."""
    same = total = 0
    for x in range(0, image.width() - 1, 6):
        for y in range(0, image.height() - 1, 6):
            p = image.pixel(x, y)
            total += 1
            same += p == image.pixel(x + 1, y) == image.pixel(x, y + 1) == image.pixel(x + 1, y + 1)
    return same / total


def test_screens_are_drawn_at_full_resolution_at_200_percent_scaling(tmp_path: Path) -> None:
    normal, scaled = tmp_path / "normal", tmp_path / "scaled"
    assert run("gui", "--demo", "--screenshots", str(normal)).returncode == 0
    result = run("gui", "--demo", "--screenshots", str(scaled), env={"QT_SCALE_FACTOR": "2"})
    assert result.returncode == 0, result.stderr
    for name in ("05-journey.png", "06-keys.png"):
        small, large = QImage(str(normal / name)), QImage(str(scaled / name))
        # Drawn at twice the pixels (crisp), not the 100 % image blown up, and laid out the same.
        assert (large.width(), large.height()) == (2 * small.width(), 2 * small.height()), name
        assert uniform_blocks(large) < 0.97, f"{name} looks like the 100 % image enlarged"
        assert abs(brightness(large) - brightness(small)) < 0.05, name


def test_screenshots_need_demo(tmp_path: Path) -> None:
    result = run("gui", "--screenshots", str(tmp_path))
    assert result.returncode == 1
    assert "--screenshots needs --demo" in result.stderr
    assert "Traceback" not in result.stderr


def test_exit_after_paint_reports_the_first_paint(tmp_path: Path) -> None:
    result = run("gui", "--exit-after-paint", env={"DIP_ONBOARDING_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    stamp = [line for line in result.stderr.splitlines() if line.startswith("first_paint_ns ")]
    assert len(stamp) == 1
    assert int(stamp[0].split()[1]) > 0


def test_no_command_opens_the_gui_with_its_defaults() -> None:
    from wizard.cli import parse

    args = parse([])
    assert args.command is None
    assert (args.project, args.demo, args.screenshots, args.exit_after_paint) == (None, False, None, False)


def test_without_a_display_the_gui_explains_instead_of_aborting(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["DIP_ONBOARDING_HOME"] = str(tmp_path)
    result = subprocess.run([sys.executable, "-m", "wizard"], capture_output=True, text=True, env=env,
                            timeout=120, check=False)
    if sys.platform in ("win32", "darwin"):
        return
    assert result.returncode == 1
    assert "No display was found" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "logs").exists(), "a user mistake is not a crash"


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT from a terminal is a POSIX signal")
def test_ctrl_c_in_the_terminal_closes_the_window(tmp_path: Path) -> None:
    import signal
    import time

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DIP_ONBOARDING_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen([sys.executable, "-m", "wizard", "gui", "--demo"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(4)  # well past the first frame; the window is idle in its event loop
        assert proc.poll() is None, proc.communicate()
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=30)  # an idle event loop used to ignore Ctrl-C for ever
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert "KeyboardInterrupt" not in err
