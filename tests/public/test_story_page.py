"""The consumer page's story at a glance (issue 14): the timeline, the map
of the lot's plots, the origin in words with the lists one tap away, whom
to call (data an admin edits), the product's photo, pinyin beside names on
the English page; and a genuine code scanned from many places or on many
days said so honestly, by the copied_code thresholds (data)."""

import json
import re

from sqlalchemy import text

from oilchain import pinyin
from oilchain.auth import contact
from oilchain.brain import rules
from oilchain.demo.photo import bottle_png
from oilchain.processing import photos
from oilchain.processing.models import ProductLot
from oilchain.provenance.story import MAP_POINT_LIMIT, map_positions
from oilchain.public import storymap

from ..chain import db_session
from ..http import page

MAX_PAGE_BYTES = 30 * 1024


def story_of(app, bottled) -> dict:
    with db_session(app) as session:
        return json.loads(session.get(ProductLot, bottled.built.product_lot.id).origin_story)


def test_the_story_keeps_what_the_timeline_and_the_map_need(app, world, bottled):
    story = story_of(app, bottled)
    plot = world.plots["mawang"]
    assert (story["planted_first"], story["planted_last"]) == (plot.year_planted, plot.year_planted)
    assert story["positions"] == [[round(plot.latitude_e6 / 1000), round(plot.longitude_e6 / 1000)]]
    assert story["townships"][0]["at"] == story["positions"][0]


def test_map_positions_keep_each_place_once_and_at_most_the_limit():
    class Plot:
        def __init__(self, lat, lon):
            self.latitude_e6, self.longitude_e6 = lat, lon

    near = [Plot(28_800_000 + i, 108_800_000) for i in range(0, 400, 100)]  # within 1/1000 degree
    assert map_positions(near) == [[28800, 108800]]
    many = [Plot(28_400_000 + 2000 * i, 108_800_000) for i in range(MAP_POINT_LIMIT + 50)]
    assert len(map_positions(many)) == MAP_POINT_LIMIT


def test_the_map_draws_the_outline_a_dot_per_place_and_the_townships_names():
    story = {"positions": [[28800, 108800], [28900, 108900], [28900, 108900]],
             "townships": [{"name": "麻旺镇", "at": [28850, 108850]}]}
    zh = storymap.story_map(story, False, "地图")
    assert zh.startswith("<svg") and zh.count("h0") == 2 and "麻旺镇" in zh and "<script" not in zh
    assert "Mawang Zhen" in storymap.story_map(story, True, "map")
    assert storymap.story_map({"townships": []}, False, "map") == ""  # a story written before positions were kept


def test_pinyin_beside_names():
    assert pinyin.romanized("酉阳县麻旺镇兴旺油茶种植专业合作社") == "Youyang Xian Mawang Zhen Xingwang Youcha Zhongzhi Zhuanye Hezuoshe"
    assert pinyin.romanized("龙潭镇") == "Longtan Zhen"
    assert pinyin.romanized("涂市镇") == "Tushi Zhen"  # 市 of a two-character name is no city
    assert pinyin.romanized("县林业局") == "Xian Linyeju"
    assert pinyin.romanized("重庆酉州山茶油加工厂") == "Chongqing Youzhou Shanchayou Jiagongchang"
    assert pinyin.romanized("Taohuayuan Ltd.") == ""


def test_the_page_tells_the_story_and_whom_to_call_in_both_languages(app, client, world, contacts):
    bottled = contacts
    with db_session(app) as session:
        photos.save_photo(session, actor=world.actors["processor"], product_id=bottled.built.product.id,
                          data=bottle_png())
        session.commit()
    sizes = {}
    for lang, serial in (("zh_CN", bottled.first), ("en", bottled.first + 1)):
        client.set_cookie("lang", lang)
        response = client.get(bottled.bottle(serial))
        body = response.get_data()
        sizes[lang] = len(body)
        assert response.status_code == 200 and len(body) < MAX_PAGE_BYTES
        html = body.decode()
        assert "<script" not in html.lower() and "<svg" in html and html.count("<details>") >= 3
        assert "023-7555 0110" in html and 'href="tel:023-75551234"' in html and "民族路18号" in html
        [src] = re.findall(r'<img[^>]* src="([^"]+)"', html)
        assert src.startswith("/photos/") and client.get(src).status_code == 200  # same origin, its own request
        if lang == "en":
            assert "From 1 plot in 1 township, 1 cooperative." in html and "From tree to bottle" in html
            assert "麻旺镇 <span class=\"py\" lang=\"zh-Latn-pinyin\">Mawang Zhen</span>" in html
        else:
            assert "来自1个乡镇的1块地、1个合作社。" in html and "从树到瓶" in html and 'class="py"' not in html
    print("consumer page bytes", sizes)


def scan_from(client, bottled, number: int, address: str) -> str:
    response = client.get(bottled.bottle(number), environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 200
    return page(response)


def test_an_honest_rescan_is_not_called_copied(app, client, bottled):
    client.set_cookie("lang", "en")
    for _ in range(6):
        html = scan_from(client, bottled, bottled.first, "203.0.113.7")
    assert "checked 6 times" in html and "copied" not in html


def test_a_code_seen_from_many_networks_says_so_by_the_thresholds(app, client, contacts):
    bottled = contacts
    client.set_cookie("lang", "en")
    for n in range(4):
        html = scan_from(client, bottled, bottled.first, f"10.0.{n}.1")
    assert "may have been copied" not in html  # 4 networks: under the default 5
    html = scan_from(client, bottled, bottled.first, "10.0.9.1")
    assert "Genuine code, but checked 5 times from 5 places since" in html
    assert "this bottle may still be genuine" in html and "023-7555 0110" in html


def test_a_code_seen_on_many_days_says_so_and_the_cap_is_said_as_or_more(app, client, bottled):
    client.set_cookie("lang", "en")
    scan_from(client, bottled, bottled.first, "10.0.0.1")
    with db_session(app) as session:
        session.execute(text("UPDATE serial_scan SET days = 10, last_day = '2000-01-01', networks = 8, count = 30"))
        session.commit()
    html = scan_from(client, bottled, bottled.first, "10.0.0.1")
    assert "checked 31 times from 8 or more places" in html and "checked on 11 different days" in html


def save_copied_rule(app, world, networks: int) -> None:
    """The bureau edits the copied-code rule as on /brain/rules (its service)."""
    with db_session(app) as session:
        rules.save_rule(session, actor=world.actors["bureau"], kind="copied_code", severity="warning", enabled=True,
                        thresholds={"networks": networks, "days": 10})
        session.commit()


def test_the_thresholds_are_data_and_an_edit_renders_the_pages_again(app, client, world, bottled):
    client.set_cookie("lang", "en")
    save_copied_rule(app, world, 2)
    scan_from(client, bottled, bottled.first, "10.0.0.1")
    assert "may have been copied" in scan_from(client, bottled, bottled.first, "10.0.1.1")
    cards = app.extensions["oilchain.scanner"].cards
    before = cards.get(bottled.gtin, bottled.lot, "en").story_version
    # The worker's card keeps the thresholds it was rendered with (no query
    # per scan); the rule's edit raises every product lot's story_version,
    # so the next scan renders the page, and reads the thresholds, again.
    save_copied_rule(app, world, 3)
    assert "may have been copied" not in scan_from(client, bottled, bottled.first, "10.0.1.1")
    assert cards.get(bottled.gtin, bottled.lot, "en").story_version == before + 1


def test_a_phone_edited_by_an_admin_reaches_the_cached_page_at_the_next_scan(app, client, world, contacts):
    bottled = contacts
    client.set_cookie("lang", "en")
    assert "023-7555 0110" in scan_from(client, bottled, bottled.first, "10.0.0.1")
    with db_session(app) as session:  # the bureau's phone is every page's hotline
        contact.set_contact(session, user_id=None, organization_id=world.orgs["bureau"].id, gln=None, phone="12345",
                            address=None)
        session.commit()
    assert "12345" in scan_from(client, bottled, bottled.first, "10.0.0.1")
    with db_session(app) as session:  # the producer's own phone: its products' pages
        contact.set_contact(session, user_id=None, organization_id=bottled.built.product.org_id, gln=None, phone="023-1111 2222",
                            address="酉阳县")
        session.commit()
    assert "023-1111 2222" in scan_from(client, bottled, bottled.first, "10.0.0.1")
