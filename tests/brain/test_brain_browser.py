"""The brain in Chromium at county scale (tests/brain/conftest.py loads the
county once per backend): the county outline and the plots are on the map
(ECharts' SVG renderer), a click on a named plot opens its page, the big
screen signs in with a display token, and no Content-Security-Policy
violation fires. Screenshots at 1280 x 800 (the brain, the
warnings) and 1920 x 1080 (the big screen), in both languages, go to
test-artifacts/screenshots/brain-*.png.

The module is an xdist group (`--dist loadgroup` in pyproject's addopts), for
when pytest-xdist groups again under pytest 9; until then the county database
is loaded once by whichever worker comes first (tests/brain/conftest.py) and
each worker serves it."""

import json
import math
import re
import urllib.parse

import pytest

from oilchain.demo import DEMO_PASSWORD, demo_year

from ..chain import TODAY
from ..test_browser import SCREENSHOTS
from ..test_headers_browser import violations, watched
from .warned import acknowledge_in_browser

pytestmark = pytest.mark.xdist_group("county")
WAIT_MS = 30_000
SEASON = TODAY.year - 1  # the county generator's year under the test clock


def test_demo_year_is_the_season_on_show():
    assert demo_year() == SEASON  # the test clock is conftest's: the generator made this season


def context_for(browser, server, lang, width=1280, height=800):
    context = browser.new_context(base_url=server.url, viewport={"width": width, "height": height},
                                  locale="zh-CN" if lang == "zh_CN" else "en-US")
    context.set_default_timeout(WAIT_MS)
    context.add_cookies([{"name": "lang", "value": lang, "url": server.url}])
    return context


def sign_in_manager(page):
    page.goto("/login")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/login).*$"))


def map_ready(page):
    page.wait_for_selector("#brain-map[data-ready=true] svg")
    page.wait_for_timeout(300)  # the chart's first frame drawn (no animation to wait for past that)


def isolated_plot(page) -> dict:
    """The plot farthest from any other: a click on it cannot land on a neighbour."""
    plots = json.loads(page.text_content("#brain-data"))["data"]["plots"]
    best, best_gap = None, -1.0
    for plot in plots:
        x, y = plot["value"][0], plot["value"][1]
        gap = min((x - o["value"][0]) ** 2 + (y - o["value"][1]) ** 2 for o in plots if o is not plot)
        if gap > best_gap:
            best, best_gap = plot, gap
    return best


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_brain_map_at_county_scale(county_server, browser, lang):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = context_for(browser, county_server, lang)
    try:
        page = watched(context)
        sign_in_manager(page)
        page.goto(f"/brain/?season={SEASON}")
        map_ready(page)
        data = json.loads(page.text_content("#brain-data"))["data"]
        assert len(data["plots"]) > 2000
        # The outline: the geo component's region is one large path in the chart's SVG.
        outline = page.evaluate("""() => {
            const paths = [...document.querySelectorAll('#brain-map svg path')];
            return Math.max(...paths.map((p) => (p.getAttribute('d') || '').length));
        }""")
        assert outline > 2000, "the county outline is not drawn"
        # Every plot drawn: its position falls inside the chart, and the chart holds them all.
        drawn = page.evaluate("""() => {
            const chart = echarts.getInstanceByDom(document.getElementById('brain-map'));
            return chart.getOption().series.filter((s) => s.type === 'scatter').reduce((n, s) => n + s.data.length, 0);
        }""")
        assert drawn >= len(data["plots"])
        # The forecast the nightly run left (tests/brain/conftest.py): figures, the target, the backtest.
        forecast = page.locator("#forecast")
        assert forecast.locator("td.num").count() >= 6
        assert all(re.search(r"\d", cell) for cell in forecast.locator("tbody tr:first-child td.num").all_inner_texts())
        assert forecast.locator(".accuracy .backtest").count() == 4
        page.screenshot(path=str(SCREENSHOTS / f"brain-map-{lang}-1280x800.png"), full_page=False)
        page.screenshot(path=str(SCREENSHOTS / f"brain-page-{lang}-1280x800.png"), full_page=True)
        assert violations(page) == []
        # A named plot: hover shows its name, a click opens its page.
        plot = isolated_plot(page)
        page.evaluate("document.getElementById('brain-map').scrollIntoView({block: 'center'})")
        x, y = page.evaluate("""(value) => {
            const el = document.getElementById('brain-map');
            const [x, y] = echarts.getInstanceByDom(el).convertToPixel('geo', value);
            const box = el.getBoundingClientRect();
            return [box.left + x, box.top + y];
        }""", plot["value"][:2])
        assert 0 < x < 1280 and 0 < y < 800
        page.mouse.move(x, y)
        page.wait_for_function("(name) => [...document.querySelectorAll('#brain-map div')].some((d) => d.textContent.includes(name))",
                               arg=plot["name"])
        page.mouse.click(x, y)
        page.wait_for_url(f"**/planting/plots/{plot['id']}")
        assert plot["name"] in page.text_content("main")
        assert violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_big_screen_with_a_display_token(county_server, browser, lang):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    manager = context_for(browser, county_server, lang)
    try:
        page = manager.new_page()
        sign_in_manager(page)
        page.goto("/brain/displays")
        page.fill("input[name=label]", f"meeting room {lang}")
        page.click("main form.card button[type=submit]")
        address = page.text_content("#issued-url").strip()
        token = urllib.parse.parse_qs(urllib.parse.urlsplit(address).query)["token"][0]
    finally:
        manager.close()
    screen = context_for(browser, county_server, lang, 1920, 1080)  # signed in nowhere: the token alone
    try:
        page = watched(screen)
        page.goto(f"/brain/screen?token={urllib.parse.quote(token)}&season={SEASON}")
        map_ready(page)
        page.wait_for_selector("#township-bars svg")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1920
        assert page.evaluate("document.documentElement.scrollHeight") <= 1080
        page.screenshot(path=str(SCREENSHOTS / f"brain-screen-{lang}-1920x1080.png"))
        assert violations(page) == []
        # The token opens the screen only.
        assert "/login" in page.goto("/brain/").url
        assert page.goto(f"/reports/dashboard?token={urllib.parse.quote(token)}").url.split("?")[0].endswith("/login")
    finally:
        screen.close()


def test_points_lie_on_the_county(county_server, browser):
    """The plots' positions are inside the outline's bounding box (the
    generator places them inside the outline itself, its own test)."""
    context = context_for(browser, county_server, "en")
    try:
        page = context.new_page()
        sign_in_manager(page)
        data = page.evaluate(f"fetch('/brain/map.json?season={SEASON}').then((r) => r.json())")
        shape = page.evaluate("fetch('/brain/outline.json').then((r) => r.json())")
        ring = shape["features"][0]["geometry"]["coordinates"][0]
        lons, lats = [p[0] for p in ring], [p[1] for p in ring]
        for plot in data["plots"]:
            lon, lat = plot["value"][:2]
            assert min(lons) - 0.01 <= lon <= max(lons) + 0.01 and min(lats) - 0.01 <= lat <= max(lats) + 0.01
        assert all(math.isfinite(t["lon"]) for t in data["townships"])
    finally:
        context.close()


def test_the_manager_acknowledges_a_warning_of_the_nightly_run(county_server, browser):
    """The county's warnings as the nightly run found them; the manager
    acknowledges one with its htmx form (refused without a reason first)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = context_for(browser, county_server, "zh_CN")
    try:
        page = watched(context)
        sign_in_manager(page)
        page.goto("/brain/warnings")
        open_cards = page.locator("article.warning-open")
        assert open_cards.count() > 10
        warning_id = int(open_cards.first.get_attribute("id").removeprefix("warning-"))
        card = acknowledge_in_browser(page, warning_id, "已派人核查，下周报告结果。")
        assert "冉科长" in card  # who: the demo's manager
        page.locator(f"#warning-{warning_id}").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "brain-warnings-acknowledged-zh_CN-1280x800.png"))
        assert violations(page) == []
    finally:
        context.close()
