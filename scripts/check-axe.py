"""Runs axe-core (4.12, from PyPI's axe-playwright-python wheel) in headless Chromium over the
pages named on the command line, against a running server: prints each page's violations and
fails when there is one. With AXE_EMAIL and AXE_PASSWORD, signs in first. Used by
scripts/map-screenshot.sh on the shared map's pages.
    check-axe.py AXE_JS BASE_URL PATH [PATH...]"""
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

axe_js, base, pages = sys.argv[1], sys.argv[2], sys.argv[3:]
source = open(axe_js, encoding="utf-8").read()
options = Options()
for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1400"]:
    options.add_argument(argument)
options.binary_location = "/usr/bin/chromium"
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
driver.set_script_timeout(60)
found = 0
try:
    if os.environ.get("AXE_EMAIL"):
        driver.get(base + "/connexion")
        driver.find_element("name", "email").send_keys(os.environ["AXE_EMAIL"])
        driver.find_element("name", "password").send_keys(os.environ["AXE_PASSWORD"])
        driver.find_element("css selector", "main form button[type=submit]").click()
        WebDriverWait(driver, 20).until(lambda d: "/connexion" not in d.current_url)
    for page in pages:
        driver.get(base + page)
        driver.execute_script(source)
        results = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']}).then(done, e => done({error: String(e)}));")
        if "error" in results:
            sys.exit(f"{page}: axe failed: {results['error']}")
        violations = results["violations"]
        found += len(violations)
        print(f"{page} — {driver.title[:60]}: {len(violations)} violations")
        for v in violations:
            for node in v["nodes"][:3]:
                print(f"  {v['id']} ({v['impact']}): {node['html'][:200]}")
finally:
    driver.quit()
sys.exit(1 if found else 0)
