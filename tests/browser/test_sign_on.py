"""Single sign-on in Chromium: the login page's button goes to the local provider and back,
and the person lands on their new account, logged in."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from support.browser import LiveServer, screenshot, serious_violations
from support.oidc_provider import local_provider
from support.web import ensure_account, make_app


def test_signing_on_from_the_login_page(browser: Any, browser_engine: Engine) -> None:
    ensure_account(browser_engine, "admin-ada")  # an account exists: no first-admin notice
    with (
        local_provider() as provider,
        LiveServer(
            make_app(browser_engine, **provider.settings(oidc_label="Acme SSO")), user=None
        ) as server,
    ):
        context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        try:
            page = context.new_page()
            page.goto("/login")
            button = page.get_by_role("link", name="Sign in with Acme SSO")
            assert button.is_visible()
            assert serious_violations(page) == []
            screenshot(page, "sign-on-login")
            button.click()
            page.wait_for_url(f"{server.url}/account")
            assert page.get_by_role("heading", name="Your account").is_visible()
            status = page.get_by_role("status").first.inner_text()
            assert "with the user name dana and the role viewer" in status
            assert page.get_by_role("link", name="Dana Kovač").is_visible()
            screenshot(page, "sign-on-account")
        finally:
            context.close()
