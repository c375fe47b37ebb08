"""The consumer page as a phone in WeChat meets it: 360 px wide, WeChat's
user agent, JavaScript off. Screenshots of the bottle page in Chinese and
English, of a recalled batch and of a code that looks copied, stored in
test-artifacts/screenshots/ (to be looked at), with what each must show and
nothing scrolling sideways."""

import pytest
from sqlalchemy import text

from oilchain.demo.photo import bottle_png
from oilchain.processing import photos
from oilchain.trace import recalls

from ..browser_server import REPO
from ..chain import db_session

SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
WECHAT = ("Mozilla/5.0 (Linux; Android 13; V2218A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 "
          "MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/4G Language/zh_CN ABI/arm64")
WIDTH, HEIGHT = 360, 740


@pytest.fixture
def story_data(app, world, contacts):
    """The bottled lot with its producer's and the bureau's phones, and a photo of the product."""
    bottled = contacts
    with db_session(app) as session:
        photos.save_photo(session, actor=world.actors["processor"], product_id=bottled.built.product.id, data=bottle_png())
        session.commit()
    return bottled


def shoot(browser, live_server, path: str, name: str, lang: str) -> str:
    """The page at `path` in WeChat at 360 px with JavaScript off: its text, after the screenshot."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": WIDTH, "height": HEIGHT},
                                  user_agent=WECHAT, java_script_enabled=False, device_scale_factor=1,
                                  locale="zh-CN" if lang == "zh_CN" else "en-US")
    try:
        context.add_cookies([{"name": "lang", "value": lang, "url": live_server.url}])
        page = context.new_page()
        response = page.goto(path)
        assert response.status == 200
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"consumer-{name}-{WIDTH}-{lang}.png"), full_page=True)
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"{name} ({lang}) scrolls sideways: {widths}"
        shown = page.evaluate("Array.from(document.images).map((i) => [i.complete, i.naturalWidth])")
        assert shown and all(done and width > 0 for done, width in shown), shown  # the photo came
        return page.locator("body").inner_text()
    finally:
        context.close()


def test_the_consumer_page_in_wechat_at_360_px(app, world, story_data, live_server, browser):
    bottled = story_data
    live_server.start()
    zh = shoot(browser, live_server, bottled.bottle(bottled.first), "bottle", "zh_CN")
    assert "从树到瓶" in zh and "023-7555 0110" in zh and "023-7555 1234" in zh
    en = shoot(browser, live_server, bottled.bottle(bottled.first + 1), "bottle", "en")
    assert "From tree to bottle" in en and "Mawang Zhen" in en and "From 1 plot in 1 township, 1 cooperative." in en

    copied = bottled.first + 2
    shoot(browser, live_server, bottled.bottle(copied), "first-scan", "en")
    with db_session(app) as session:
        session.execute(text("UPDATE serial_scan SET count = 41, networks = 7, days = 23 WHERE serial = :s"), {"s": copied})
        session.commit()
    for lang in ("zh_CN", "en"):
        body = shoot(browser, live_server, bottled.bottle(copied), "copied", lang)
    assert "checked 43 times from 7 places" in body and "may still be genuine" in body

    with db_session(app) as session:
        recalls.start_recall(session, actor=world.actors["bureau"], reason="酸价超标", lot_code=bottled.built.oil.code)
        session.commit()
    for lang in ("zh_CN", "en"):
        body = shoot(browser, live_server, bottled.bottle(bottled.first + 3), "recalled", lang)
    assert "Recall: do not use this oil" in body and "023-7555 0110" in body
