"""Take docs/html-view.png, the README's screenshot of the annotated HTML view.

    python docs/screenshot.py            # needs the test extra and a Chromium on PATH

Renders the bundled notice with ``regnotice.html``, opens it in the system's Chromium
through Playwright (nothing is downloaded) and shots items (XIII) and (XIV): a sentence
that holds two rules (a prohibition and its exception), parts marked inside it, each
item's list of rules.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import regnotice
import regnotice.html

OUT = Path(__file__).resolve().parent / "html-view.png"


def main() -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("no chromium on PATH: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        url = regnotice.html.write(regnotice.load(), tmp).as_uri()
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1100, "height": 1000})
        page.goto(url)
        page.evaluate("() => { document.getElementById('clause-13').scrollIntoView(); window.scrollBy(0, -12); }")
        page.screenshot(path=str(OUT))
        browser.close()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
