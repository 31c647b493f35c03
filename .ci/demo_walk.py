"""Drives the demo apps that `./run demo` started, in Chromium: in each, a new customer signs
up and pays through the hosted Checkout, and the page shows what the service then holds.
`python .ci/demo_walk.py PORT` (the service's port; the demos are on the next three);
`--again USER` after a restart: that CourseHub customer logs in and still owns the course.
Screenshots go to test-output/demo/."""

import argparse
import sys
import time
from pathlib import Path

import httpx
from playwright.sync_api import Page, sync_playwright

OUTPUT = Path(__file__).resolve().parent.parent / "test-output" / "demo"
PASSWORD = "correct-horse-battery"  # noqa: S105 - the walk's own demo users


def shot(page: Page, name: str) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)


def sign_up(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#signup").click()
    page.wait_for_url(f"{base}/**")


def pay(page: Page, button: str) -> None:
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry (MM / YY)").fill("12 / 34")
    page.get_by_label("CVC").fill("123")
    page.get_by_role("button", name=button).click()


def expect(what: str, got: str, wanted: str) -> None:
    print(f"[demo] {what}: {got!r}", flush=True)
    if got != wanted:
        sys.exit(f"[demo] {what}: expected {wanted!r}")


def coursehub(page: Page, base: str, username: str) -> None:
    sign_up(page, base, username)
    page.locator("#course-typed-python").get_by_role("button", name="Buy for").click()
    pay(page, "Pay")
    page.wait_for_url(f"{base}/courses/typed-python/")
    expect("CourseHub purchase", page.locator("#purchase-state").inner_text(), "succeeded")
    shot(page, "coursehub")


def teamchat(page: Page, base: str, username: str) -> None:
    sign_up(page, base, username)
    page.locator("#plan-team-yearly").get_by_role("button", name="Start free trial").click()
    pay(page, "Subscribe")
    page.wait_for_url(f"{base}/billing/**")
    page.locator("#subscription").wait_for()
    expect("TeamChat plan", page.locator("#current-plan").inner_text(), "Team (yearly)")
    expect("TeamChat status", page.locator("#status").inner_text(), "trialing")
    shot(page, "teamchat")


def apiforge(page: Page, base: str, username: str) -> None:
    sign_up(page, base, username)
    page.locator("#plan-forge-hybrid").get_by_role("button", name="Subscribe").click()
    pay(page, "Subscribe")
    page.wait_for_url(f"{base}/dashboard/**")
    page.locator("#api-key").wait_for()
    key = page.locator("#api-key").inner_text()
    answer = httpx.post(
        f"{base}/api/v1/forge", json={"units": 250}, headers={"Authorization": f"Bearer {key}"}
    )
    expect("APIForge request", str(answer.status_code), "200")
    page.reload()
    page.locator("#report").click()
    page.wait_for_load_state()
    expect("APIForge status", page.locator("#status").inner_text(), "active")
    expect("APIForge used", page.locator("#used").inner_text(), "250")
    shot(page, "apiforge")


def coursehub_again(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("#login").click()
    page.wait_for_url(f"{base}/**")
    page.goto(f"{base}/purchases/")
    expect("CourseHub after a restart", page.locator(".purchase .status").inner_text(), "succeeded")
    shot(page, "coursehub_after_restart")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--again", metavar="USER")
    arguments = parser.parse_args()
    bases = [f"http://127.0.0.1:{arguments.port + offset}" for offset in (1, 2, 3)]
    username = f"walker{int(time.time())}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
        )
        try:
            if arguments.again:
                page = browser.new_page()
                page.set_default_timeout(30_000)
                coursehub_again(page, bases[0], arguments.again)
                return
            for walk, base in zip((coursehub, teamchat, apiforge), bases, strict=True):
                page = browser.new_context().new_page()
                page.set_default_timeout(30_000)
                walk(page, base, username)
        finally:
            browser.close()
    print(f"[demo] walked all three as {username}; screenshots in {OUTPUT}", flush=True)
    Path(OUTPUT / "user").write_text(username)


if __name__ == "__main__":
    main()
