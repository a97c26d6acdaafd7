"""Headless Chromium for browser tests, shared by every test that renders a page.

Uses the system's Chromium and chromedriver (Debian packages ``chromium`` and
``chromium-driver``) through Selenium with the driver's path given, so
Selenium Manager never runs and nothing is downloaded. Tests skip, with the
reason, only when the browser, the driver or Selenium is absent, and fail
instead when ``REQUIRE_BROWSER`` is set (CI sets it, so a broken set-up
cannot pass as skipped).

Two ways in:

* ``chromium(tmp_dir)``: a context manager giving a ``WebDriver``;
* the ``browser`` fixture (module-scoped, one Chromium per test module):
  ``from tests.browser import browser  # noqa: F401`` in the test module, then
  ``def test_x(browser): browser.get(Path(page).as_uri())``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

# first found wins; CHROMIUM / CHROMEDRIVER in the environment override them
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMEDRIVER_PATHS = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")
DEFAULT_WINDOW = (1600, 1000)
DEFAULT_PAGE_LOAD_TIMEOUT = 60.0
CHROME_FLAGS = (
    "--headless=new",
    "--no-sandbox",  # containers and CI run as root
    "--disable-gpu",
    "--disable-dev-shm-usage",  # a small /dev/shm in containers crashes tabs
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",  # the same layout whatever the platform's scrollbar width
    "--force-device-scale-factor=1",  # one CSS pixel is one screenshot pixel
    "--lang=zh-CN",
)


def _first(env: str, candidates: tuple[str, ...], name: str) -> str | None:
    given = os.environ.get(env)
    if given:
        return given if os.access(given, os.X_OK) else None
    for path in candidates:
        if os.access(path, os.X_OK):
            return path
    return shutil.which(name)


def find_chromium() -> tuple[str, str] | str:
    """Give ``(chromium, chromedriver)`` paths, or the reason a browser test cannot run."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install selenium)"
    browser = _first("CHROMIUM", CHROMIUM_PATHS, "chromium")
    driver = _first("CHROMEDRIVER", CHROMEDRIVER_PATHS, "chromedriver")
    missing = [n for n, p in (("chromium", browser), ("chromedriver (chromium-driver)", driver)) if not p]
    if missing:
        return f"no {' and no '.join(missing)} on this machine (apt-get install chromium chromium-driver)"
    assert browser and driver
    return browser, driver


@contextmanager
def chromium(tmp_dir: str | Path, *, window: tuple[int, int] = DEFAULT_WINDOW) -> Iterator[object]:
    """Start headless Chromium with a fresh profile in ``tmp_dir``; skip the test when there is none.

    Args:
        tmp_dir: a folder for the browser profile, e.g. pytest's ``tmp_path``.
        window: the viewport size in CSS pixels.

    Yields:
        A ``selenium.webdriver.Chrome``, quit on exit.
    """
    found = find_chromium()
    if isinstance(found, str):
        if os.environ.get("REQUIRE_BROWSER"):  # CI sets it: a missing browser must fail there, not skip
            pytest.fail(f"REQUIRE_BROWSER is set but {found}")
        pytest.skip(found)
    browser, driver_path = found
    os.environ.setdefault("SE_OFFLINE", "true")  # belt and braces: Selenium Manager must not fetch anything
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = Path(tmp_dir) / "chromium-profile"
    profile.mkdir(parents=True, exist_ok=True)
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={window[0]},{window[1]}")
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        driver.set_page_load_timeout(DEFAULT_PAGE_LOAD_TIMEOUT)
        driver.set_window_size(*window)  # --window-size is the outer size in some versions
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[object]:
    """One headless Chromium for the test module (skips when absent)."""
    with chromium(tmp_path_factory.mktemp("browser")) as driver:
        yield driver
