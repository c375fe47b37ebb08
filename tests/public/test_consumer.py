"""The consumer's pages as WeChat's in-app browser meets them: small, no
JavaScript, Chinese by default with an English switch; the stored origin
story (not recomputed per scan) beside a live part that is never stale; the
GS1 Digital Link walk-up paths and their RFC 9264 linksets; codes never
issued, logged for the bureau and the processor whose product they name;
and a lot pooled from many plots that still reads in a few lines."""

import json
import re
from datetime import date
from urllib.parse import urlsplit

from flask_babel import force_locale, gettext
from sqlalchemy import update
from sqlmodel import select

from oilchain import codes
from oilchain.auth import services as auth_services
from oilchain.harvest import services as harvest
from oilchain import ledger
from oilchain.planting import services as planting
from oilchain.planting.models import PlantingRecord, Plot
from oilchain.processing.models import ProductLot
from oilchain.public.models import SerialScan, UnknownScan
from oilchain.trace import recalls

from .. import chain
from ..chain import KG, db_session
from ..http import page
from .conftest import KEY

BASE = "https://trace.example.cn"  # the app fixture's PUBLIC_BASE_URL
MAX_PAGE_BYTES = 30 * 1024
LINKSET = "application/linkset+json"


def scans(app) -> dict[int, int]:
    """Each scanned bottle's count, by serial."""
    with db_session(app) as session:
        return {s.serial: s.count for s in session.exec(select(SerialScan).execution_options(populate_existing=True))}


def assert_light(response) -> str:
    """Small, self-contained HTML: the whole body (CSS is inline) under 30 KB,
    no script, no external stylesheet, image or font."""
    body = response.get_data()
    assert len(body) < MAX_PAGE_BYTES, len(body)
    html = body.decode()
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<img" not in lowered and "<link" not in lowered and "@import" not in lowered and "url(" not in lowered
    assert re.search(r"\ssrc=", lowered) is None
    return html


# --- light, no JavaScript, languages ---------------------------------------------------------


def test_the_bottle_page_is_small_needs_no_javascript_and_holds_the_facts(app, client, bottled):
    client.set_cookie("lang", "en")
    html = assert_light(client.get(bottled.bottle(bottled.first + 3)))
    assert "<style>" in html  # the page's whole styling travels with it
    # The facts are in the HTML itself, not fetched by a script.
    for fact in ("桃花源 压榨山茶油 500ml", "桃花源茶油公司", bottled.lot, "麻旺镇", "麻旺合作社", "老屋基", "长林4号",
                 "良种苗圃", "0.85 mg KOH/g", "Genuine code"):
        assert fact in html, fact
    for path in (bottled.lot_path, bottled.product_path):
        assert_light(client.get(path))


def test_chinese_by_default_with_a_switch_to_english(app, client, bottled):
    with app.app_context(), force_locale("zh_CN"):
        chinese = {msg: gettext(msg) for msg in ("Youyang camellia oil", "Where it came from", "Producer")}
    assert all(zh != en for en, zh in chinese.items())  # the catalogue translates them
    response = client.get(bottled.bottle(bottled.first))
    html = page(response)
    assert '<html lang="zh-CN">' in html
    for en, zh in chinese.items():
        assert zh in html and en not in html
    switch = re.search(r'<a class="lang" href="([^"]+)"[^>]*>English</a>', html)
    assert switch and switch.group(1) == "?lang=en"

    english = page(client.get(bottled.bottle(bottled.first) + switch.group(1)))
    assert '<html lang="en">' in english
    for en, zh in chinese.items():
        assert en in english and zh not in english
    assert "Genuine code, checked 2 times" in english
    assert re.search(r'<a class="lang" href="\?lang=zh_CN"[^>]*>中文</a>', english)


# --- the stored story and the live part ------------------------------------------------------


def test_the_origin_story_is_stored_not_recomputed_per_scan(app, client, world, bottled):
    client.set_cookie("lang", "en")
    with db_session(app) as session:  # a change the services never announce to the stories
        session.exec(update(Plot).where(Plot.id == world.plots["mawang"].id).values(name="新开荒地"))
        session.commit()
        stored_at = session.get(ProductLot, bottled.built.product_lot.id).story_updated_at
    for number in (bottled.first, bottled.first + 1):
        html = page(client.get(bottled.bottle(number)))
        assert "老屋基" in html and "新开荒地" not in html
    with db_session(app) as session:
        assert session.get(ProductLot, bottled.built.product_lot.id).story_updated_at == stored_at

    # Something upstream changes: a new quality test of the oil lot.
    with db_session(app) as session:
        chain.quality(session, world, oil=chain.lot_by_code(session, bottled.built.oil.code), acid=777, peroxide=111,
                      moisture=55, on=date(2025, 12, 10))
    html = page(client.get(bottled.bottle(bottled.first)))
    assert "新开荒地" in html and "老屋基" not in html
    assert "0.777 mg KOH/g" in html and "0.85 mg KOH/g" not in html and "Dec 10, 2025" in html


def test_an_upstream_correction_refreshes_the_story(app, client, world, bottled):
    """The planting of the nursery's seedlings on the plot is reversed as
    recorded in error: the bottle no longer names that nursery."""
    client.set_cookie("lang", "en")
    assert "良种苗圃" in page(client.get(bottled.bottle(bottled.first)))
    with db_session(app) as session:
        record = session.exec(select(PlantingRecord)).one()
        ledger.reverse_event(session, actor=world.actors["coop"], event_id=record.event_id, reason="录错地块")
        session.commit()
    html = page(client.get(bottled.bottle(bottled.first)))
    assert "良种苗圃" not in html


def test_the_live_part_is_never_stale(app, client, world, bottled):
    client.set_cookie("lang", "en")
    number = bottled.first + 9
    for n in (1, 2, 3):
        response = client.get(bottled.bottle(number))
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        assert scans(app) == {number: n}
        html = page(response)
        assert ("first time" in html) if n == 1 else (f"checked {n} times" in html)
    assert "Recall" not in page(client.get(bottled.bottle(number)))
    with db_session(app) as session:
        recalls.start_recall(session, actor=world.actors["bureau"], reason="酸价超标", lot_code=bottled.built.oil.code)
        session.commit()
    html = page(client.get(bottled.bottle(number)))
    assert "Recall: do not use this oil" in html and "酸价超标" in html
    assert scans(app) == {number: 5}
    for path in (bottled.lot_path, bottled.product_path, bottled.lot_path + "?linkType=all"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path


# --- walking up the Digital Link tree, and the linksets ------------------------------------


def test_the_lot_and_product_paths_show_their_level_without_counting_a_scan(app, client, bottled):
    client.set_cookie("lang", "en")
    lot = client.get(bottled.lot_path)
    assert lot.status_code == 200
    html = page(lot)
    assert bottled.lot in html and "This page describes the whole batch" in html
    assert "麻旺镇" in html and "0.85 mg KOH/g" in html
    assert "Genuine code" not in html  # no bottle was checked
    product = client.get(bottled.product_path)
    assert product.status_code == 200
    html = page(product)
    assert "桃花源 压榨山茶油 500ml" in html and "桃花源茶油公司" in html and bottled.gtin in html
    assert bottled.lot not in html
    assert scans(app) == {}


def assert_linkset(response, anchor: str) -> dict:
    """RFC 9264 §4.2: an object whose "linkset" is an array of link context
    objects; each has its "anchor" and, keyed by relation type (a registered
    name or a URI), arrays of link target objects with an "href" and string
    "title"/"type" attributes."""
    assert response.status_code == 200
    assert response.mimetype == LINKSET
    document = json.loads(response.get_data(as_text=True))
    assert isinstance(document, dict) and isinstance(document.get("linkset"), list) and document["linkset"]
    contexts = document["linkset"]
    assert [c.get("anchor") for c in contexts] == [anchor]
    links = {}
    for relation, targets in contexts[0].items():
        if relation in ("anchor", "itemDescription"):
            continue
        assert re.fullmatch(r"[a-z][a-z0-9.\-]*", relation) or urlsplit(relation).scheme in ("http", "https"), relation
        assert isinstance(targets, list) and targets, relation
        for target in targets:
            assert isinstance(target, dict) and isinstance(target.get("href"), str), target
            assert urlsplit(target["href"]).scheme == "https", target
            for attribute in ("title", "type", "media"):
                assert attribute not in target or isinstance(target[attribute], str), target
            assert "hreflang" not in target or isinstance(target["hreflang"], list), target
        links[relation] = [t["href"] for t in targets]
    return links


def test_link_type_all_answers_an_rfc9264_linkset_at_every_level(app, client, bottled):
    bottle = bottled.bottle(bottled.first + 4)
    levels = {
        "product": (bottled.product_path, {"https://gs1.org/voc/pip"}),
        "lot": (bottled.lot_path, {"https://gs1.org/voc/pip", "https://gs1.org/voc/traceability"}),
        "bottle": (bottle, {"https://gs1.org/voc/pip", "https://gs1.org/voc/traceability"}),
    }
    for level, (path, relations) in levels.items():
        links = assert_linkset(client.get(path + "?linkType=all"), anchor=BASE + path)
        assert relations <= set(links), (level, links)
        assert links["https://gs1.org/voc/pip"] == [BASE + bottled.product_path]
        if level != "product":
            assert links["https://gs1.org/voc/traceability"] == [BASE + bottled.lot_path]
        assert links.get("https://gs1.org/voc/defaultLink") == [BASE + path]
    # The links lead to pages that answer.
    for href in (BASE + bottled.product_path, BASE + bottled.lot_path):
        assert client.get(href[len(BASE):]).status_code == 200


def test_a_linkset_request_is_not_counted_as_a_consumer_scan(app, client, bottled):
    """A resolver client asking for the links is not someone checking the
    bottle: the consumer who scans it next must still read "first time"."""
    bottle = bottled.bottle(bottled.first + 6)
    assert client.get(bottle + "?linkType=all").status_code == 200
    client.set_cookie("lang", "en")
    assert "first time" in page(client.get(bottle))


# --- codes never issued ----------------------------------------------------------------------


def rows_of(html: str) -> list[str]:
    """The addresses listed on /scans/unknown."""
    return re.findall(r'<code class="wrap">(.*?)</code>', html)


def test_codes_never_issued_are_logged_and_shown_to_the_bureau_and_their_processor(app, client, auth, world, bottled):
    gtin, lot, first, last = bottled.gtin, bottled.lot, bottled.first, bottled.last
    with db_session(app) as session:
        withdrawn = chain.withdrawn_bottling(session, world, built=bottled.built, units=10)
        withdrawn_first = session.get(ProductLot, withdrawn.id).serial_first
        theirs = chain.product(session, world, actor="processor2", code=chain.gtin("0692000888880"), name="酉州 山茶油 250ml",
                               ml=250, fill=229)
    serial = codes.serial_text(KEY, gtin, lot, first)
    unknown_gtin = chain.gtin("0692000999990")
    forged = serial[:-1] + ("A" if serial[-1] != "A" else "B")
    cases = {
        "gtin": f"/01/{chain.wrong_check_digit(gtin)}/10/{lot}/21/{serial}",
        "product": f"/01/{unknown_gtin}/10/{lot}/21/{codes.serial_text(KEY, unknown_gtin, lot, first)}",
        "lot": f"/01/{gtin}/10/YY-P25-999999/21/{codes.serial_text(KEY, gtin, 'YY-P25-999999', first)}",
        "check": f"/01/{gtin}/10/{lot}/21/{forged}",
        "range": bottled.bottle(last + 1),
        "withdrawn": f"/01/{gtin}/10/{withdrawn.code}/21/{codes.serial_text(KEY, gtin, withdrawn.code, withdrawn_first)}",
    }
    their_path = f"/01/{theirs.gtin}/10/YY-P25-999999"
    for path in [*cases.values(), their_path]:
        # A wrong check digit is a syntax error (400, GS1 resolver standard); still logged.
        assert client.get(path).status_code == (400 if path == cases["gtin"] else 404), path
    with db_session(app) as session:
        logged = [(s.path, s.reason) for s in session.exec(select(UnknownScan).order_by(UnknownScan.id))]
    assert logged == [*((path, reason) for reason, path in cases.items()), (their_path, "lot")]
    assert scans(app) == {}

    client.set_cookie("lang", "en")
    auth.login("bureau")
    html = page(client.get("/scans/unknown"))
    assert sorted(rows_of(html)) == sorted([*cases.values(), their_path])
    for label in ("wrong GTIN check digit", "unknown product", "unknown batch", "wrong check code", "serial outside its batch",
                  "withdrawn batch"):
        assert label in html, label
    auth.logout()

    auth.login("processor")  # its own product's codes only; not those naming no known product
    assert sorted(rows_of(page(client.get("/scans/unknown")))) == sorted(
        cases[reason] for reason in ("lot", "check", "range", "withdrawn"))
    auth.logout()
    auth.login("processor2")
    assert rows_of(page(client.get("/scans/unknown"))) == [their_path]
    auth.logout()
    auth.login("coop")
    assert client.get("/scans/unknown").status_code == 403


# --- a lot pooled from many plots ------------------------------------------------------------

COOPS = {  # cooperative -> townships of its plots
    "coop": ("麻旺镇", "大溪镇"),
    "coop2": ("龙潭镇",),
    "coop3": ("丁市镇", "酉酬镇"),
}
PLOTS_PER_COOP = 10
STORY_PLOTS = 12  # the plots a page names


def pooled_lot(app, world) -> tuple[str, str, dict]:
    """30 plots of three cooperatives in five townships, one harvest each
    (plot i gives 1,000 + 10·i kg), each cooperative's fruit hulled together,
    all the seed pressed into one oil lot and bottled."""
    with db_session(app) as session:
        townships = {name: chain.township_id(session, name) for names in COOPS.values() for name in names}
        org = auth_services.create_organization(session, name="丁市油茶合作社", kind="cooperative", township_id=townships["丁市镇"])
        user = auth_services.create_user(session, username="coop3", password="correct-horse-battery", role="cooperative",
                                         organization_id=org.id, display_name="coop3")
        actors = dict(world.actors, coop3=auth_services.actor_for(session, user.id))
        coop_names = {"coop": "麻旺合作社", "coop2": "龙潭合作社", "coop3": org.name}
        plots, seeds, index = [], [], 0
        for coop, names in COOPS.items():
            fruit = []
            for k in range(PLOTS_PER_COOP):
                township = names[k % len(names)]
                plot = planting.create_plot(
                    session, actor=actors[coop], name=f"坡地{index:02d}号", township_id=townships[township], village="村",
                    area_centimu=1_000, latitude_e6=28_650_000 + index, longitude_e6=108_900_000 + index, year_planted=2008,
                )
                grams = (1_000 + 10 * index) * KG
                fruit.append((harvest.log_harvest(session, actor=actors[coop], plot_id=plot.id, weight_g=grams,
                                                  harvested_on=chain.HARVESTED_ON, pickers=6), grams))
                plots.append((plot.name, township, coop_names[coop], grams))
                index += 1
            total = sum(g for _, g in fruit)
            seed, _husk = harvest.dry_and_hull(session, actor=actors[coop], inputs=fruit, seed_g=total // 4, husk_g=total * 2 // 5,
                                               occurred_on=chain.HULLED_ON)
            ledger.ship_lot(session, actor=actors[coop], code=seed.code, to_org_id=world.orgs["processor"].id,
                            occurred_on=chain.SHIPPED_ON)
            ledger.receive_lot(session, actor=world.actors["processor"], code=seed.code, weighed=total // 4,
                               occurred_on=chain.RECEIVED_ON)
            seeds.append((chain.lot_by_code(session, seed.code), total // 4))
        session.commit()
        seed_total = sum(g for _, g in seeds)
        oil, _cake = chain.press(session, world, inputs=seeds, oil=seed_total // 4, cake=seed_total * 7 // 10)
        made = chain.product(session, world)
        lot = chain.bottle(session, world, oil=oil, made=made, units=100)
        first = session.get(ProductLot, lot.id).serial_first
        path = f"/01/{made.gtin}/10/{lot.code}/21/{codes.serial_text(KEY, made.gtin, lot.code, first)}"
        return path, f"/01/{made.gtin}/10/{lot.code}", {"plots": plots, "coops": set(coop_names.values())}


def test_a_lot_pooled_from_thirty_plots_reads_as_a_short_summary(app, client, world):
    bottle_path, lot_path, made = pooled_lot(app, world)
    client.set_cookie("lang", "en")
    heaviest = sorted(made["plots"], key=lambda p: -p[3])
    shown, left_out = heaviest[:STORY_PLOTS], heaviest[STORY_PLOTS:]
    for path in (bottle_path, lot_path):
        html = assert_light(client.get(path))
        origin = html[html.index("Where it came from"):]
        for township in {t for names in COOPS.values() for t in names}:
            assert township in origin, township
        for coop in made["coops"]:
            assert coop in origin, coop
        for name, *_ in shown:
            assert name in origin, name
        for name, *_ in left_out:
            assert name not in html, name
        assert f"and {len(made['plots']) - STORY_PLOTS} more" in origin
