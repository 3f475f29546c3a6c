"""Headless Chromium from the system's packages, driven by Playwright (its own browser
download cannot reach the internet here). Shared by the UI test and the report tests."""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[1] / ".pst" / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
    "--no-first-run", "--disable-background-networking", "--disable-component-update",
    "--disable-sync"]


@contextmanager
def chromium_context(viewport=(1600, 1000)):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        finally:
            browser.close()


def watch_errors(page) -> list[str]:
    """The page's console errors and uncaught exceptions, collected as they happen."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def check_report_renders(path: Path, screenshot: Path) -> dict:
    """Open a report file with every non-file request refused (the page must need no
    network), wait for its charts, screenshot the full page. Returns what a test asserts
    on: console errors, refused requests, per chart the number of drawn SVG marks, and
    the section ids present."""
    refused: list[str] = []
    with chromium_context(viewport=(1400, 1000)) as context:
        def refuse(route):
            refused.append(route.request.url)
            route.abort()

        context.route(lambda url: not url.startswith("file:"), refuse)
        page = context.new_page()
        errors = watch_errors(page)
        page.goto(Path(path).resolve().as_uri(), wait_until="load", timeout=60_000)
        charts = page.eval_on_selector_all(".chart[data-chart]", "els => els.map(e => e.dataset.chart)")
        for name in charts:
            page.wait_for_selector(f'.chart[data-chart="{name}"] svg', timeout=30_000)
        page.wait_for_timeout(500)
        marks = {name: page.eval_on_selector_all(
            f'.chart[data-chart="{name}"] svg g.mark-rect path, '
            f'.chart[data-chart="{name}"] svg g.mark-text text',
            "els => els.length") for name in charts}
        sections = page.eval_on_selector_all("section[id]", "els => els.map(e => e.id)")
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=True)
    return {"errors": errors, "refused": refused, "marks": marks, "sections": sections}
