"""``{sample}.pdf``: the HTML report printed by headless Chromium (optional ``--formats pdf``).

Why a browser: the page's print stylesheet (running header and footer with sample id, date and
"Page x / y" in CSS ``@page`` margin boxes, headings kept with their content, no mid-word breaks)
is what the tumour board gets when it prints from a browser; printing with the same engine gives
the same document. The browser-free HTML-to-PDF libraries either lack ``@page`` margin boxes and
``counter(pages)`` or bring a large native stack of their own. Chromium runs offline here: the
page's Content-Security-Policy forbids every load, name resolution and networking features are
switched off, and where the machine allows user namespaces the browser runs in a network
namespace without interfaces (``unshare -rn``). Its home, configuration and cache are a temporary
folder, removed afterwards.

The browser is ``$ALKANNOT_CHROMIUM`` or the first of ``chromium``, ``chromium-browser``,
``google-chrome`` on ``PATH``. A PDF embeds its creation time, so unlike the other outputs its
bytes differ from run to run (its text does not).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from alkannot.errors import ConfigError
from alkannot.report.atomic import write_bytes

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_FLAGS = (
    "--headless",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-quic",
    # no name is resolved and no connection leaves: every host maps to "not found", a proxy
    # that does not exist catches the rest, and the background services are switched off
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--disable-features=AsyncDns,DnsOverHttps,OptimizationHints,MediaRouter,Translate,"
    "NetworkTimeServiceQuerying,CertificateTransparencyComponentUpdater",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-default-apps",
    "--disable-breakpad",
    "--no-pings",
    "--no-pdf-header-footer",  # the page's own @page header and footer instead of Chromium's
)


@functools.cache
def _network_namespace() -> tuple[str, ...]:
    """``unshare -rn`` when this machine allows it: Chromium then runs in a network namespace
    without interfaces, so even its IPv6 reachability probe (a UDP connect to a Google address,
    which no flag turns off) cannot leave the machine. Empty where user namespaces are off."""
    tool = shutil.which("unshare")
    if tool is None:
        return ()
    try:
        ok = subprocess.run([tool, "-rn", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return ()
    return (tool, "-rn") if ok else ()


def find_browser() -> str:
    """The Chromium executable to print with.

    Raises
    ------
    ConfigError
        No browser found: install Chromium, set ``ALKANNOT_CHROMIUM``, or drop ``pdf``.
    """
    given = os.environ.get("ALKANNOT_CHROMIUM")
    if given:
        if not (Path(given).is_file() and os.access(given, os.X_OK)):
            raise ConfigError(f"ALKANNOT_CHROMIUM={given} is not an executable file")
        return given
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise ConfigError(
        "--formats pdf needs Chromium (apt-get install chromium) or ALKANNOT_CHROMIUM=/path; "
        "or drop pdf and print the HTML report from a browser (Ctrl+P)"
    )


def html_to_pdf(html: str, timeout: float = 120.0) -> bytes:
    """Print an HTML document with headless Chromium and return the PDF bytes.

    Raises
    ------
    ConfigError
        The browser failed or timed out (its last message is included).
    """
    browser = find_browser()
    with tempfile.TemporaryDirectory(prefix="alkannot-pdf-") as tmp:
        page, out = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        page.write_text(html, encoding="utf-8")
        isolate = _network_namespace()
        cmd = [*isolate, browser, *_FLAGS, f"--user-data-dir={tmp}/profile"]
        if os.geteuid() == 0 or isolate:
            cmd.append("--no-sandbox")  # Chromium refuses its sandbox as (namespace) root
        # its home, config and cache in the temporary folder: nothing written in the user's
        env = {**os.environ, "HOME": tmp, "XDG_CONFIG_HOME": tmp, "XDG_CACHE_HOME": tmp}
        try:
            proc = subprocess.run(
                [*cmd, f"--print-to-pdf={out}", page.as_uri()],
                capture_output=True,
                text=True,
                timeout=timeout,
                env=env,
            )
        except subprocess.TimeoutExpired:
            raise ConfigError(
                f"{browser} did not print the report within {timeout:.0f} s"
            ) from None
        if proc.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
            raise ConfigError(f"{browser} could not print the report to PDF: {last}")
        return out.read_bytes()


def write_pdf(html: str, path: str | Path) -> None:
    """Print ``html`` to ``path`` atomically."""
    write_bytes(path, html_to_pdf(html))
