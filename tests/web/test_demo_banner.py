"""The banner of a served demo names the demo's calendar; a store of one's own has none."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from support.web import BASE_URL, WebClient, make_app


def banner_of(engine: Engine, *, demo: bool, now: dt.datetime) -> list[str]:
    with WebClient(make_app(engine, now=now, demo=demo), base_url=BASE_URL) as client:
        page = client.get("/").text
    return [line.strip() for line in page.splitlines() if 'class="banner"' in line]


def test_the_demo_banner_says_which_day_the_demo_reads(engine: Engine) -> None:
    [banner] = banner_of(engine, demo=True, now=dt.datetime(2026, 11, 20, 16, 5, tzinfo=dt.UTC))
    assert "<strong>Demo store</strong>: fictional post-mortems of Basketful" in banner
    assert "It runs on the demo's own calendar: today here is Friday 2026-11-20." in banner
    assert "Changes are thrown away when the server stops." in banner


def test_the_banner_follows_the_demo_clock_past_midnight(engine: Engine) -> None:
    [banner] = banner_of(engine, demo=True, now=dt.datetime(2026, 11, 21, 0, 30, tzinfo=dt.UTC))
    assert "today here is Saturday 2026-11-21." in banner


def test_a_store_of_ones_own_has_no_banner(engine: Engine) -> None:
    assert banner_of(engine, demo=False, now=dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)) == []
