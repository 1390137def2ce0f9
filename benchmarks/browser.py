"""Headless Chromium for the insights report: load the page, read the DOM, take a picture.

Used by ``benchmarks/sample_report.py`` (the README picture) and by the
report test (every chart decodes). Chromium runs with a throwaway profile
and with background networking, updates and sync off; the page itself loads
nothing from the network.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--mute-audio",
)
# Reports what the page ended up with as attributes of <body>, read back from --dump-dom.
PROBE = """<script>
window.addEventListener("error", (e) => {
  document.body.setAttribute("data-error", String(e.message));
});
window.addEventListener("load", () => {
  const images = [...document.images];
  const decoded = images.filter((i) => i.complete && i.naturalWidth > 0);
  document.body.setAttribute("data-images", decoded.length + "/" + images.length);
  document.body.setAttribute("data-height", String(document.documentElement.scrollHeight));
});
</script>"""


def chromium() -> str | None:
    """The Chromium executable (Debian's ``chromium`` package), or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _run(arguments: list[str], timeout: float) -> str:
    executable = chromium()
    if executable is None:
        raise FileNotFoundError("chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="udbudsbot-chromium-") as profile:
        done = subprocess.run(
            [executable, *FLAGS, f"--user-data-dir={profile}", *arguments],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
    return done.stdout


def probe(page: Path, timeout: float = 90) -> dict[str, str]:
    """Open a copy of ``page`` with the probe script; returns the body's ``data-*`` values
    (``images``: "decoded/total", ``height``: page height in px, ``error``: a script error)."""
    html = page.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="udbudsbot-probe-") as directory:
        copy = Path(directory) / page.name
        copy.write_text(html.replace("</body>", f"{PROBE}</body>", 1), encoding="utf-8")
        dom = _run(["--virtual-time-budget=10000", "--dump-dom", copy.as_uri()], timeout)
    body = re.search(r"<body([^>]*)>", dom)
    attributes = body.group(1) if body else ""
    return dict(re.findall(r'data-(\w+)="([^"]*)"', attributes))


def screenshot(page: Path, png: Path, width: int = 1200, timeout: float = 90) -> Path:
    """A picture of the whole page at ``width`` px."""
    height = int(probe(page, timeout).get("height", "2000"))
    png.parent.mkdir(parents=True, exist_ok=True)
    _run(
        [
            f"--window-size={width},{height}",
            "--virtual-time-budget=10000",
            f"--screenshot={png.resolve()}",
            page.resolve().as_uri(),
        ],
        timeout,
    )
    return png
