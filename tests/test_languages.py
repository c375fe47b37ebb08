"""Every page in both languages: Chinese by default, English on request, and
no untranslated string on either side. On an English page, Han characters
may only come from data (names of organizations, places, products...)."""

import re
from html import unescape

import pytest
from sqlmodel import select

from oilchain import db, demo
from oilchain.admin.models import JobRun, Township, Variety
from oilchain.auth.models import Organization, User
from oilchain.byproducts.models import ByProduct
from oilchain.gi.models import GIProduct
from oilchain.harvest.models import HarvestRecord  # noqa: F401
from oilchain.ledger.models import Event, Lot
from oilchain.nursery.models import SeedlingBatch, SeedlingDispatch
from oilchain.planting.models import Acceptance, PlantingRecord, Plot
from oilchain.processing.models import Product, QualityTest
from oilchain.reports.models import ReportArchive
from oilchain.sales.models import Sale

from .conftest import AuthActions

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
PASSWORD = demo.DEMO_PASSWORD


@pytest.fixture
def county(app):
    """The demo year, and what its pages are about."""
    with app.app_context():
        session = db.session()
        demo.load(session, app.config["PUBLIC_BASE_URL"], app.config["SERIAL_KEY"])
        lots = {kind: session.exec(select(Lot.code).where(Lot.kind == kind).order_by(Lot.id)).first()
                for kind in ("seedling", "dispatch", "fruit", "seed", "oil", "cake", "husk", "product")}
        waiting = session.exec(
            select(PlantingRecord.id).outerjoin(Acceptance, Acceptance.planting_id == PlantingRecord.id).where(Acceptance.id.is_(None))
        ).first()
        archive = session.exec(select(ReportArchive.id)).first()
        year = demo.demo_year()
        coop = session.exec(select(User).where(User.username == "coop")).one()
        plot = session.exec(select(Plot.id).where(Plot.cooperative_id == coop.organization_id)).first()
        data = data_strings(session)
        township = session.exec(select(Township.id).where(Township.name == "龙潭镇")).one()
        org = session.exec(select(Organization.id).where(Organization.kind == "processor").order_by(Organization.id)).first()
    return {"township": township, "org": org, "lots": lots, "waiting_planting": waiting, "archive": archive, "year": year, "plot": plot, "data": data}


def data_strings(session) -> list[str]:
    """Every text the demo stored: it may be Chinese on any page."""
    texts = set()
    columns = [
        Organization.name, Organization.address, User.display_name, Township.name, Variety.name, Plot.name, Plot.village, Product.name,
        Sale.buyer, QualityTest.laboratory, SeedlingBatch.seed_source, SeedlingBatch.licence_no, SeedlingBatch.certificate_no,
        SeedlingBatch.label_no, SeedlingBatch.quarantine_no, SeedlingDispatch.destination, Event.note, JobRun.message,
        ReportArchive.created_by, Township.kind, GIProduct.name, GIProduct.registration, GIProduct.specification, ByProduct.name,
    ]
    for column in columns:
        texts.update(value for value in session.exec(select(column)) if value)
    return sorted(texts, key=len, reverse=True)  # longest first, so parts of names go last


def pages_for(role: str, county: dict) -> list[str]:
    lots, year = county["lots"], county["year"]
    common = ["/lots", "/lots?kind=fruit&q=YY", f"/brain/?season={year}"]
    return {
        "nursery": ["/nursery/", "/nursery/batches/new", "/nursery/growing", "/nursery/grade", "/nursery/certify",
                    "/nursery/dispatch", f"/l/{lots['seedling']}", f"/l/{lots['seedling']}/trace"] + common,
        "coop": ["/planting/", "/planting/plots/new", "/planting/plantings/new", f"/planting/plots/{county['plot']}",
                 "/harvest/", "/harvest/new", "/harvest/dry-hull", "/harvest/ship", f"/l/{lots['fruit']}",
                 f"/l/{lots['fruit']}/trace", f"/l/{lots['dispatch']}"] + common,
        "processor": ["/processing/", "/processing/receive", "/processing/press", "/processing/quality",
                      "/processing/products/new", "/processing/bottle", "/sales/", "/sales/new", f"/l/{lots['oil']}",
                      f"/l/{lots['seed']}", f"/l/{lots['product']}", f"/l/{lots['oil']}/trace",
                      f"/processing/receive?code={lots['seed']}", "/documents/", "/documents/new",
                      f"/processing/lots/{lots['product']}/labels.pdf", "/processing/refine", "/processing/blend",
                      "/processing/tanks", "/processing/tanks/put"] + common,
        "manager": [f"/reports/dashboard?year={year}", f"/reports/dashboard?year={year}&month=11",
                    f"/reports/records?metric=seed_processed&year={year}", f"/reports/records?metric=planted_new&year={year}",
                    f"/reports/targets?year={year}", "/reports/archive", "/planting/acceptance", "/planting/acceptance?state=done",
                    f"/planting/plantings/{county['waiting_planting']}/accept", "/admin/grading", f"/l/{lots['product']}",
                    f"/l/{lots['product']}/trace", f"/l/{lots['seedling']}", "/documents/",
                    f"/reports/output.pdf?year={year}", f"/brain/screen?season={year}", "/brain/displays",
                    "/processing/grades"] + common,
        "admin": ["/admin/", "/admin/users/new", "/admin/organizations/new", f"/admin/townships/{county['township']}",
                  f"/admin/organizations/{county['org']}", "/admin/jobs",
                  f"/reports/dashboard?year={year}"],
        None: ["/login"],
    }[role]


def visible_text(html: str) -> str:
    """The page's text, without markup, and without the parts marked as
    Chinese on purpose (the language switch)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'<(?!html\b)(\w+)[^>]*\blang="zh-CN"[^>]*>.*?</\1>', " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    return unescape(html)


def untranslated(html: str, data: list[str]) -> list[str]:
    """Lines of Chinese left once the stored data is taken out. A value of
    one character (a township's kind, 乡 or 镇) is taken out only where it
    stands alone (between spaces), so that it cannot hide Chinese written
    into a template."""
    text = visible_text(html)
    for value in sorted((v for v in data if len(v) > 1), key=len, reverse=True):
        text = text.replace(value, " ")
    for value in (v for v in data if len(v) == 1):
        text = re.sub(rf"(?<!\S){re.escape(value)}(?!\S)", " ", text)
    return sorted({line.strip() for line in text.splitlines() if HAN.search(line)})


@pytest.mark.parametrize("role", ["nursery", "coop", "processor", "manager", "admin", None])
def test_every_page_reads_in_chinese_and_in_english(app, client, county, role):
    auth = AuthActions(client)
    if role:
        auth.login(role, PASSWORD)
    for path in pages_for(role, county):
        client.set_cookie("lang", "zh_CN")
        chinese = client.get(path)
        assert chinese.status_code == 200, (path, chinese.status_code)
        html = chinese.get_data(as_text=True)
        assert 'lang="zh-CN"' in html and HAN.search(visible_text(html)), path

        client.set_cookie("lang", "en")
        english = client.get(path)
        assert english.status_code == 200, (path, english.status_code)
        html = english.get_data(as_text=True)
        assert 'lang="en"' in html, path
        assert untranslated(html, county["data"]) == [], path


def test_the_consumer_page_in_both_languages(app, client, county):
    with app.app_context():
        session = db.session()
        lot = session.exec(select(Lot).where(Lot.code == county["lots"]["product"])).one()
        product = session.exec(select(Product).join(Lot, Lot.owner_org_id == Product.org_id).where(Lot.id == lot.id)).first()
        from oilchain.processing.models import ProductLot
        from oilchain.public.services import bottle_url

        product_lot = session.get(ProductLot, lot.id)
        product = session.get(Product, product_lot.product_id)
        url = bottle_url("", app.config["SERIAL_KEY"], product.gtin, lot.code, product_lot.serial_first)
    chinese = client.get(url).get_data(as_text=True)
    assert 'lang="zh-CN"' in chinese and "正品码" in visible_text(chinese)  # the page's own words, in Chinese
    english = client.get(url + "?lang=en")
    assert english.status_code == 200
    assert untranslated(english.get_data(as_text=True), county["data"]) == []
    wrong = client.get(url[:-1] + ("A" if url[-1] != "A" else "B") + "?lang=en")
    assert wrong.status_code == 404
    assert untranslated(wrong.get_data(as_text=True), county["data"]) == []


def test_dates_and_numbers_follow_the_language(app, client, county):
    auth = AuthActions(client)
    auth.login("manager", PASSWORD)
    year = county["year"]
    client.set_cookie("lang", "zh_CN")
    chinese = client.get(f"/reports/dashboard?year={year}").get_data(as_text=True)
    client.set_cookie("lang", "en")
    english = client.get(f"/reports/dashboard?year={year}").get_data(as_text=True)
    assert f"{year}年12月31日" in chinese  # figures through 31 December, Chinese style
    assert f"Dec 31, {year}" in english
    assert "15,000,000 株" in chinese and "15,000,000 plants" in english
