"""A PNG of the pressfacts dashboard, the manual check of `make bi` (not a test: it needs a browser).

    .venv-bi/bin/python tools/bi/screenshot.py [--url http://127.0.0.1:8088] [--out /tmp/bi-dashboard.png]

Drives Debian's chromium through its chromedriver (`apt-get install chromium chromium-driver`), with
Selenium from Superset's environment, headless and with every background network feature off and a
fresh profile: it logs in on Superset's login page and waits for the charts to draw.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time


def main() -> int:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8088")
    parser.add_argument("--out", default="/tmp/bi-dashboard.png")
    parser.add_argument("--user", default=os.environ.get("PRESSFACTS_BI_USER") or "admin")
    parser.add_argument("--password", default=os.environ.get("PRESSFACTS_BI_PASSWORD") or "admin")
    parser.add_argument("--wait", type=float, default=15.0, help="seconds to let the charts draw")
    args = parser.parse_args()

    options = webdriver.ChromeOptions()
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1600,1500",
        f"--user-data-dir={tempfile.mkdtemp(prefix='bi-chromium-')}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(f"{args.url}/login/")
        wait = WebDriverWait(driver, 60)
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "input[name='username'], #username")))
        driver.find_element(By.CSS_SELECTOR, "input[name='username'], #username").send_keys(args.user)
        driver.find_element(By.CSS_SELECTOR, "input[name='password'], #password").send_keys(args.password)
        driver.find_element(By.CSS_SELECTOR, "input[name='password'], #password").submit()
        time.sleep(3)
        driver.get(f"{args.url}/superset/dashboard/pressfacts/?standalone=1")
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".dashboard-component-chart-holder")))
        time.sleep(args.wait)
        driver.save_screenshot(args.out)
        print(f"wrote {args.out} ({driver.title})")
        # anything the page tried to load from outside shows here as a CSP refusal or a failed load
        for entry in driver.get_log("browser"):
            if entry["level"] in ("SEVERE", "WARNING"):
                print(f"browser {entry['level']}: {entry['message'][:300]}")
    finally:
        driver.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
