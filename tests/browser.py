"""Drive a real headless Chromium from the tests: dump the DOM after the page's scripts ran, print to PDF,
take a screenshot.

Each call starts its own browser with a fresh profile (no network, no first-run tasks) and kills its whole
process group when it ends or times out. `require_browser()` returns the browser's path; when there is none
the test fails if the environment variable `CI` or `PPI_REQUIRE_BROWSER` is set (`.ci/run` sets the latter),
and is skipped otherwise.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest

CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_S = 60.0
# Flags that work headless in containers: no sandbox (often unavailable without user namespaces), no GPU,
# no background traffic, and every host name unresolvable so that nothing can load from the network.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
# Virtual time lets the page finish loading and run its onload script before the DOM is dumped.
VIRTUAL_TIME_MS = 5000


class BrowserError(Exception):
    """Chromium failed or timed out."""


def find_browser() -> str | None:
    """Path of a Chromium-like browser, or None."""
    for name in CANDIDATES:
        path = name if os.path.isabs(name) and os.access(name, os.X_OK) else shutil.which(name)
        if path:
            return path
    return None


def browser_required() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("PPI_REQUIRE_BROWSER"))


def require_browser() -> str:
    """The browser's path; fail (in CI) or skip (elsewhere) when there is none."""
    path = find_browser()
    if path is None:
        message = (
            "no Chromium found (looked for " + ", ".join(CANDIDATES) + "); install it, e.g. "
            "`apt-get install chromium` on Debian"
        )
        if browser_required():
            pytest.fail(message + " — required here because CI or PPI_REQUIRE_BROWSER is set", pytrace=False)
        pytest.skip(message)
    return path


def _run(browser: str, args: list[str], timeout: float = TIMEOUT_S) -> str:
    """Run the browser with a fresh profile; return its stdout."""
    profile = tempfile.mkdtemp(prefix="ppi-chromium-")
    command = [browser, *FLAGS, f"--user-data-dir={profile}", *args]
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so that its helper processes end with it
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise BrowserError(f"{' '.join(command)} did not finish within {timeout:.0f} s") from None
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # helpers left behind, if any
        except ProcessLookupError:
            pass
        shutil.rmtree(profile, ignore_errors=True)
    if proc.returncode != 0:
        tail = "\n".join(err.strip().splitlines()[-15:])
        raise BrowserError(f"{' '.join(command)} exited with {proc.returncode}:\n{tail}")
    return out


def _url(page: Path) -> str:
    return Path(page).resolve().as_uri()


def dump_dom(browser: str, page: Path, width: int = 1280, height: int = 2000) -> str:
    """The page's DOM after load (and its onload script), as HTML text."""
    args = [f"--window-size={width},{height}", f"--virtual-time-budget={VIRTUAL_TIME_MS}", "--dump-dom", _url(page)]
    return _run(browser, args)


def print_pdf(browser: str, page: Path, pdf: Path) -> Path:
    """Print the page to `pdf` (A4 from the page's @page rule, no header or footer)."""
    pdf = Path(pdf)
    pdf.unlink(missing_ok=True)
    args = [
        f"--virtual-time-budget={VIRTUAL_TIME_MS}",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        _url(page),
    ]
    _run(browser, args)
    if not pdf.exists():
        raise BrowserError(f"Chromium did not write {pdf}")
    return pdf


def screenshot(browser: str, page: Path, png: Path, width: int = 1280, height: int = 2000) -> Path:
    """A PNG of the top `height` pixels of the page at `width` pixels wide."""
    png = Path(png)
    png.unlink(missing_ok=True)
    args = [
        f"--window-size={width},{height}",
        f"--virtual-time-budget={VIRTUAL_TIME_MS}",
        f"--screenshot={png}",
        _url(page),
    ]
    _run(browser, args)
    if not png.exists():
        raise BrowserError(f"Chromium did not write {png}")
    return png
