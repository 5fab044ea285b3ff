"""Walk the web desk in headless Chromium, as a complainant and a member of staff would.

Run by ``nox -s desk_browser`` (not part of the default gate: it needs
Chromium and its driver from the system, ``apt-get install -y chromium
chromium-driver`` on Debian; nothing is downloaded). It starts ``iso10002
serve`` on 127.0.0.1 with a new SQLite file and one manager account, then:

1. submits a complaint on the public form and keeps the status link;
2. signs in to the console, finds the complaint in the work queue, and
   acknowledges, assesses, assigns to themselves, investigates, decides,
   communicates and closes it through the case page's generated forms;
3. opens the status link as the complainant, reads the decision and gives
   feedback.

Each page is checked for what a person must see (the queue and the status
page also for fitting a phone's width), and a screenshot of it is left in
``--out`` (``build/desk``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from iso10002.web import hash_password

PASSWORD = "a long enough password"
WIDTH, HEIGHT = 1000, 1100
PHONE = 390  # a phone's CSS width


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(where: Path) -> tuple[subprocess.Popen[bytes], str]:
    users = where / "users.json"
    users.write_text(
        json.dumps(
            {
                "manager": {
                    "roles": ["complaints-manager"],
                    "password_hash": hash_password(PASSWORD),
                }
            }
        )
    )
    port = free_port()
    env = {**os.environ, "ISO10002_SECRET_KEY": os.urandom(32).hex()}
    command = [sys.executable, "-m", "iso10002", "serve", "--db", "desk.db"]
    command += ["--users", str(users), "--port", str(port), "--http"]
    command += ["--zone", "Europe/London"]
    server = subprocess.Popen(command, cwd=where, env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{url}/complain", timeout=2):
                return server, url
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("iso10002 serve did not start")


def browser() -> WebDriver:
    driver = shutil.which("chromedriver")
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if driver is None or binary is None:
        sys.exit(
            "needs chromium and chromedriver: apt-get install chromium chromium-driver"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size={WIDTH},{HEIGHT}",
        # Only the desk: every other host name is unresolvable.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(driver), options=options)


class Walk:
    def __init__(self, driver: WebDriver, url: str, out: Path) -> None:
        self.driver = driver
        self.url = url
        self.out = out
        self.shots: list[str] = []

    def open(self, path: str) -> None:
        self.driver.get(path if path.startswith("http") else self.url + path)

    def text(self) -> str:
        try:
            return str(self.driver.find_element(By.TAG_NAME, "body").text)
        except WebDriverException:  # between two pages
            return ""

    def see(self, *words: str) -> None:
        """Wait (a few seconds at most) until the page shows every word."""
        deadline = time.monotonic() + 10
        while True:
            page = self.text()
            missing = [w for w in words if w not in page]
            if not missing:
                return
            if time.monotonic() > deadline:
                self.shot("failure")
                sys.exit(f"expected {missing!r} on {self.driver.current_url}:\n{page}")
            time.sleep(0.1)

    def shot(self, name: str, width: int = WIDTH) -> None:
        self.driver.set_window_size(width, HEIGHT)
        self.driver.execute_script("window.scrollTo(0, 0)")
        height = self.driver.execute_script("return document.body.scrollHeight")
        self.driver.set_window_size(width, max(HEIGHT, int(height) + 40))
        path = self.out / f"{len(self.shots) + 1:02d}-{name}.png"
        self.driver.save_screenshot(str(path))
        self.driver.set_window_size(WIDTH, HEIGHT)
        self.shots.append(path.name)

    def fits(self, width: int) -> None:
        """Check the page needs no sideways scrolling at ``width`` pixels."""
        self.driver.set_window_size(width, HEIGHT)
        wide = self.driver.execute_script("return document.documentElement.scrollWidth")
        inner = self.driver.execute_script("return window.innerWidth")
        self.driver.set_window_size(WIDTH, HEIGHT)
        if int(wide) > int(inner):
            sys.exit(f"{self.driver.current_url} is {wide}px wide at {inner}px")

    def type(self, name: str, value: str) -> None:
        element = self.driver.find_element(By.NAME, name)
        element.clear()
        element.send_keys(value)

    def choose(self, element_id: str, value: str) -> None:
        Select(self.driver.find_element(By.ID, element_id)).select_by_value(value)

    def step(
        self, trigger: str, fill: dict[str, str] | None = None, shot: str = ""
    ) -> None:
        summary = self.driver.find_element(
            By.XPATH, f"//button[@id='take-{trigger}']/ancestor::details/summary"
        )
        summary.click()
        for name, value in (fill or {}).items():
            element = self.driver.find_element(
                By.ID, f"{trigger}-{name.replace('.', '-')}"
            )
            if element.tag_name == "select":
                Select(element).select_by_value(value)
            else:
                element.clear()
                element.send_keys(value)
        if shot:
            self.shot(shot)
        self.driver.find_element(By.ID, f"take-{trigger}").click()
        self.see("done.")


def search(w: Walk) -> None:
    """Find the closed complaint by its words, then by the complainant's e-mail."""
    for words, by in (("charged twice", "text"), ("sam@example.org", "email")):
        w.open("/desk")
        w.type("q", words)
        w.choose("search-by", by)
        w.driver.find_element(By.CSS_SELECTOR, "form[role=search] button").click()
        w.see("Search", "Closed")
        if by == "text":
            w.shot("search")


def walk(driver: WebDriver, url: str, out: Path) -> list[str]:
    w = Walk(driver, url, out)
    # 1. The complainant's public form.
    w.open("/complain")
    w.see("Make a complaint")
    w.type("name", "Sam Taylor")
    w.type("email", "sam@example.org")
    w.type("product", "Electricity")
    w.type("description", "I was charged twice for my March bill.")
    w.type("desired_outcome", "A refund of the second payment.")
    w.shot("public-form")
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    w.see("Thank you: we have your complaint")
    link = driver.find_element(By.ID, "status-link").get_attribute("href")
    assert link, "no status link"
    w.shot("intake-done")

    # 2. Staff: sign in, the queue, the case.
    w.open("/login")
    w.type("name", "manager")
    w.type("password", PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    w.see("Work queue", "Received", "On track")
    w.shot("work-queue")
    w.fits(PHONE)
    w.shot("work-queue-phone", PHONE)
    driver.find_element(By.CSS_SELECTOR, "tbody a").click()
    w.see("Acknowledge: due in", "I was charged twice", "Steps you can take now")
    w.shot("case-received")
    w.step("acknowledge")
    w.step(
        "assess",
        {
            "category": "billing",
            "severity": "medium",
            "priority": "normal",
        },
        shot="assess-form",
    )
    w.step("assign", {"assignee": "manager"})
    w.see("Assigned to\nmanager")
    w.step("investigate")
    w.step(
        "decide",
        {
            "outcome": "upheld",
            "summary": "We refunded the second payment on 3 April.",
            "reasons": "The payment was taken twice by mistake.",
            "escalation_route": "You may refer this to the ombudsman "
            "within six months.",
        },
        shot="decide-form",
    )
    w.step("communicate_decision", {"via": "email"})
    w.step(
        "close",
        {
            "root_cause.category": "billing-system",
            "root_cause.corrective_action": "Payment retries now check for a "
            "settled payment first.",
        },
        shot="close-form",
    )
    w.see("Status: Closed", "Acknowledge: done", "Final response: done")
    w.shot("case-closed")

    search(w)

    # 3. The complainant follows the link, reads the decision, gives feedback.
    driver.delete_all_cookies()
    w.open(link)
    w.see("Your complaint", "Closed", "We refunded the second payment", "ombudsman")
    w.shot("status-decided")
    driver.find_element(
        By.XPATH, "//button[@id='take-record_satisfaction']/ancestor::details/summary"
    ).click()
    w.choose("record_satisfaction-satisfaction-score", "5") if driver.find_elements(
        By.CSS_SELECTOR, "select#record_satisfaction-satisfaction-score"
    ) else w.type("satisfaction.score", "5")
    w.type("satisfaction.comment", "Quick and fair, thank you.")
    driver.find_element(By.ID, "take-record_satisfaction").click()
    w.see("Thank you: we have recorded it.", "You rated our handling 5 out of 5")
    w.shot("status-feedback")
    w.fits(PHONE)
    w.shot("status-phone", PHONE)

    # A tampered link opens nothing.
    w.open(link[:-3] + "xyz")
    w.see("This link does not work")
    return w.shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("build/desk"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        server, url = start_server(Path(tmp))
        driver = browser()
        try:
            shots = walk(driver, url, args.out.resolve())
        finally:
            driver.quit()
            server.terminate()
            server.wait(timeout=30)
    print(f"desk walk passed: {len(shots)} screenshots in {args.out}")
    for name in shots:
        print(f"  {name}")


if __name__ == "__main__":
    main()
