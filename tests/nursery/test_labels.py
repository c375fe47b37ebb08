"""Seedling labels (苗木标签): a certified batch's dispatch printed as bundle
labels, each with a QR code of its keyed code, read back with poppler and
zxing and opened as a stranger would; an altered code is refused and logged."""

from datetime import date

import pytest
import zxingcpp
from PIL import Image
from sqlmodel import select

from oilchain import codes
from oilchain.nursery import services as nursery
from oilchain.nursery.seedling_labels import qr_url
from oilchain.public.models import UnknownScan

from .. import chain
from ..chain import db_session, nothing_written
from ..pdftools import fonts_of, rasterize, text_of

KEY = "test-serial-key"  # the app fixture's SERIAL_KEY
BASE = "https://trace.example.cn"  # the app fixture's PUBLIC_BASE_URL
PREFIX = "HTTPS://TRACE.EXAMPLE.CN/S/"

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def dispatched(app, world):
    """A certified batch: 2,000 grade I plants to the 麻旺镇 plot (40 bundles
    of 50) and 250 grade II outside the county (3 bundles of 100, the last of 50)."""
    with db_session(app) as session:
        batch = chain.seedling_batch(session, world)
        chain.dispatch(session, world, batch=batch, quantity=2_000)
        outside = nursery.dispatch(session, actor=world.actors["nursery"], batch_code=batch.code, grade=2, quantity=250,
                                   dispatched_on=chain.DISPATCHED_ON, destination="贵州省松桃县 油茶种植大户")
        session.commit()
        county = nursery.dispatches_of(session, batch.id)[0][0]
        return {"batch": batch.code, "county": county.id, "outside": outside.id}


def labels_url(d, which="county", **args):
    query = "&".join(f"{k}={v}" for k, v in {"dispatch": d[which], **args}.items())
    return f"/nursery/batches/{d['batch']}/labels.pdf?{query}"


def decoded(pdf: bytes, directory) -> list[list[str]]:
    pages = []
    for png in rasterize(pdf, directory, 300, name="seedlings.pdf"):
        found = zxingcpp.read_barcodes(Image.open(png), formats=zxingcpp.BarcodeFormat.QRCode)
        pages.append(sorted(code.text for code in found))
    return pages


def unknown(app) -> list[UnknownScan]:
    with db_session(app) as session:
        return list(session.exec(select(UnknownScan).order_by(UnknownScan.id)))


def test_a_printed_label_is_scanned_and_verified_by_a_stranger_and_an_altered_one_is_refused_and_logged(
        app, client, auth, world, dispatched, tmp_path):
    auth.login("nursery")
    response = client.get(labels_url(dispatched, first=1, last=12))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.data
    assert all(font["emb"] == "yes" for font in fonts_of(pdf, tmp_path))
    text = text_of(pdf, tmp_path)
    for fact in ("长林4号", "良种苗圃", "渝林种苗2020-0031", "2020-ZJ-0017", "渝检2020-0412", "2020-BQ-0017", dispatched["batch"]):
        assert fact in text
    pages = decoded(pdf, tmp_path)
    assert [len(page) for page in pages] == [10, 2]  # ten to an A4 page
    urls = [url for page in pages for url in page]
    assert all(url.startswith(PREFIX) for url in urls)
    assert len(set(urls)) == 12
    # The whole payload is in QR alphanumeric mode: digits, upper case, " $%*+-./:".
    assert all(set(url) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:") for url in urls)
    auth.logout()

    stranger = app.test_client()
    path = urls[0][len(PREFIX) - 3:]  # /S/...
    page = stranger.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Genuine seedling label" in html or "真实" in html
    for fact in (dispatched["batch"], "长林4号", "良种苗圃", "麻旺镇", "麻旺合作社", "渝检2020-0412"):
        assert fact in html
    assert "老屋基" not in html and "28.65" not in html and "<script" not in html
    assert unknown(app) == []

    number = path.rsplit("-", 1)
    altered = number[0] + "-" + ("A" if number[1][0] != "A" else "B") + number[1][1:]
    with nothing_written_but_the_log(app):
        refused = stranger.get(altered)
    assert refused.status_code == 404
    assert "not genuine" in refused.get_data(as_text=True) or "不是真" in refused.get_data(as_text=True)
    logged = unknown(app)
    assert [(scan.reason, scan.path) for scan in logged] == [("seedling", altered)]


class nothing_written_but_the_log:
    """Nothing but one row of the unknown-code log."""

    def __init__(self, app):
        self.app = app

    def __enter__(self):
        self.before = chain.app_snapshot(self.app)

    def __exit__(self, *exc):
        after = chain.app_snapshot(self.app)
        assert after["counts"].pop("unknown_scan") == self.before["counts"].pop("unknown_scan") + 1
        assert after == self.before


def test_a_label_request_for_an_uncertified_batch_is_refused_and_writes_nothing(app, client, auth, world):
    with db_session(app) as session:
        batch = chain.registered_batch(session, world)
    auth.login("nursery")
    with nothing_written(app):
        response = client.get(f"/nursery/batches/{batch.code}/labels.pdf?dispatch=1")
    assert response.status_code == 422
    assert f"Batch {batch.code} is not certified" in response.get_data(as_text=True)


def test_labels_beyond_the_dispatched_quantity_are_refused(app, client, auth, world, dispatched):
    auth.login("nursery")
    with nothing_written(app):
        response = client.get(labels_url(dispatched, first=40, last=41))
    assert response.status_code == 422
    assert "2,000 seedlings were dispatched, 40 bundles of 50: choose bundles from 1 to 40" in response.get_data(as_text=True)
    assert client.get(labels_url(dispatched, first=40, last=40)).status_code == 200


def test_a_dispatch_of_another_batch_or_none_is_not_found(app, client, auth, world, dispatched):
    with db_session(app) as session:
        other = chain.seedling_batch(session, world)
    auth.login("nursery")
    with nothing_written(app):
        wrong = client.get(f"/nursery/batches/{other.code}/labels.pdf?dispatch={dispatched['county']}")
        missing = client.get(f"/nursery/batches/{other.code}/labels.pdf")
    assert wrong.status_code == missing.status_code == 404
    assert "Choose one of batch" in wrong.get_data(as_text=True)


def test_only_the_nursery_and_the_bureau_print_labels(app, client, auth, world, dispatched):
    auth.login("coop")
    assert client.get(labels_url(dispatched)).status_code == 403
    auth.logout()
    auth.login("bureau")
    assert client.get(labels_url(dispatched, first=1, last=1)).status_code == 200


def test_labels_of_a_dispatch_outside_the_county_end_with_a_smaller_bundle(app, client, auth, world, dispatched, tmp_path):
    auth.login("nursery")
    pdf = client.get(labels_url(dispatched, "outside")).data
    text = text_of(pdf, tmp_path)
    assert text.count("bundle") == 3
    assert "50 plants · bundle 3 of 3" in text
    [urls] = decoded(pdf, tmp_path)
    page = app.test_client().get(next(u for u in urls if "-3-100-" in u)[len(PREFIX) - 3:])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "贵州省松桃县 油茶种植大户" in html
    assert "Where are you?" not in html  # no township to compare with


def test_the_reader_compares_their_township_with_the_labels(app, world, dispatched):
    with db_session(app) as session:
        mawang, longtan = chain.township_id(session, "麻旺镇"), chain.township_id(session, "龙潭镇")
    path = "/S/" + codes.seedling_code(KEY, dispatched["county"], 1, 50)
    stranger = app.test_client()
    assert "where these seedlings were sent" in stranger.get(f"{path}?township={mawang}&lang=en").get_data(as_text=True)
    html = stranger.get(f"{path}?township={longtan}&lang=en").get_data(as_text=True)
    assert "These seedlings were sent to 麻旺镇, not to 龙潭镇" in html


def test_codes_that_were_never_issued_are_logged_for_the_bureau(app, client, auth, world, dispatched):
    stranger = app.test_client()
    genuine = codes.seedling_code(KEY, dispatched["county"], 40, 50)
    never = [
        "/S/" + codes.seedling_code(KEY, dispatched["county"], 41, 50),  # a bundle the dispatch never had
        "/S/" + codes.seedling_code(KEY, 99_999, 1, 50),  # no such dispatch
        "/S/" + codes.seedling_code("another-key", dispatched["county"], 1, 50),  # not keyed by this system
        "/S/NOT-A-CODE",
    ]
    assert stranger.get("/S/" + genuine.lower()).status_code == 200  # typed in lower case
    for path in never:
        assert stranger.get(path).status_code == 404
    assert [scan.reason for scan in unknown(app)] == ["seedling"] * 4
    auth.login("bureau")
    html = client.get("/scans/unknown?lang=en").get_data(as_text=True)
    assert html.count("wrong seedling label code") == 4
    assert "/S/NOT-A-CODE" in html


def test_a_reversed_dispatchs_labels_are_void(app, client, auth, world, dispatched):
    from oilchain.nursery.models import SeedlingDispatch
    from oilchain.ledger import reverse_event

    code = codes.seedling_code(KEY, dispatched["outside"], 1, 100)
    with db_session(app) as session:
        event_id = session.get(SeedlingDispatch, dispatched["outside"]).event_id
        reverse_event(session, actor=world.actors["nursery"], event_id=event_id, reason="recorded twice")
        session.commit()
    page = app.test_client().get("/S/" + code)
    assert page.status_code == 404 and "已被苗圃作为误录撤销" in page.get_data(as_text=True)  # a stranger reads Chinese
    assert [scan.reason for scan in unknown(app)] == ["seedling_void"]
    auth.login("nursery")
    with nothing_written(app):
        refused = client.get(labels_url(dispatched, "outside"))
    assert refused.status_code == 422 and "reversed" in refused.get_data(as_text=True)


def test_a_seedling_labels_check_is_not_a_bottle_serials():
    """Same key, a purpose label first: the two kinds of check never coincide by construction."""
    assert codes.seedling_check(KEY, 12, 3, 50) != codes.serial_check(KEY, "06920001234505", "12", 3)
    code = codes.seedling_code(KEY, 12, 3, 50)
    assert codes.parse_seedling_code(KEY, code) == (12, 3, 50)
    assert codes.parse_seedling_code(KEY, code.replace("-50-", "-100-")) is None  # a bigger bundle claimed
    assert codes.parse_seedling_code(KEY, "０12-3-50-" + code.rsplit("-", 1)[1]) is None  # full-width digit
    assert qr_url("https://trace.example.cn/", code) == "HTTPS://TRACE.EXAMPLE.CN/S/" + code
    assert qr_url("https://example.cn/trace", code) == "HTTPS://EXAMPLE.CN/trace/S/" + code  # a proxy's path prefix kept


def test_the_batch_page_shows_its_dispatches_plantings_survival_and_acceptance(app, client, auth, world, dispatched):
    from oilchain.planting import services as planting
    from oilchain.ledger.models import Lot
    from oilchain.nursery.models import SeedlingDispatch

    with db_session(app) as session:
        dispatch_lot = session.get(Lot, session.get(SeedlingDispatch, dispatched["county"]).dispatch_lot_id)
        first = chain.plant(session, world, dispatched=dispatch_lot, seedlings=1_200, area_centimu=1_000)
        second = chain.plant(session, world, dispatched=dispatch_lot, seedlings=800, area_centimu=700)
        coop = world.actors["coop"]
        planting.record_survival(session, actor=coop, planting_id=first.id, checked_on=date(2021, 9, 1), survival_permille=900)
        planting.record_survival(session, actor=coop, planting_id=first.id, checked_on=date(2022, 9, 1), survival_permille=850)
        planting.record_survival(session, actor=coop, planting_id=second.id, checked_on=date(2021, 9, 1), survival_permille=950)
        planting.accept_planting(session, actor=world.actors["bureau"], planting_id=first.id, accepted_on=date(2022, 10, 1),
                                 accepted_area_centimu=950, note="")
        session.commit()
    auth.login("bureau")
    html = client.get(f"/l/{dispatched['batch']}?lang=en").get_data(as_text=True)
    assert "Dispatches and what became of them" in html
    # (1,200 × 85.0% + 800 × 95.0%) / 2,000 = 89%: the latest check of each planting, weighted by seedlings
    assert "89%<br>" in html and "of 2,000 checked" in html
    assert "1 of 2 plantings, 9.5 mu" in html
    assert "麻旺镇 · 麻旺合作社" in html
    assert "40 labels (PDF)" in html and "3 labels (PDF)" in html
    assert "Bundles: grade I 50 plants, grade II 100 plants" in html


def test_a_dispatch_of_many_bundles_is_printed_in_the_background(app, client, auth, world, dispatched, tmp_path):
    """More bundles than a request makes while the nursery waits: the offer to
    make them in the background, the job (the downloads' path the bottle
    label sheets use), and the same labels in its PDF."""
    import re

    from oilchain.downloads.models import DocumentJob
    from oilchain.nursery.models import GradingStandard

    with db_session(app) as session:
        standard = session.get(GradingStandard, 1)
        standard.plants_per_bundle = 8  # 2,000 plants: 250 bundles
        session.add(standard)
        session.commit()
    auth.login("nursery")
    offer = client.get(labels_url(dispatched) + "&lang=en")
    html = offer.get_data(as_text=True)
    assert offer.status_code == 200 and "250 labels or rows are too many" in html
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    assert fields["kind"] == "seedling_labels" and fields["dispatch"] == str(dispatched["county"])
    fields.pop("csrf_token")
    response = auth.post("/documents/new", fields)
    assert response.status_code == 303, response.get_data(as_text=True)
    with db_session(app) as session:
        [job] = session.exec(select(DocumentJob)).all()
        assert (job.status, job.done, job.total, job.kind) == ("done", 250, 250, "seedling_labels")
    pdf = client.get(f"/documents/{job.id}/download").data
    text = text_of(pdf, tmp_path)
    assert "8 plants · bundle 250 of 250" in text
    assert client.get("/documents/").status_code == 200
    auth.logout()
    auth.login("coop")
    assert client.get(f"/documents/{job.id}/download").status_code in (403, 404)


def test_a_background_request_is_checked_like_one_made_while_waiting(app, client, auth, world, dispatched):
    auth.login("nursery")
    with nothing_written(app):
        response = auth.post("/documents/new", {"kind": "seedling_labels", "code": dispatched["batch"],
                                                "dispatch": dispatched["county"], "first": "1", "last": "41"})
    assert response.status_code == 422
    assert "choose bundles from 1 to 40" in response.get_data(as_text=True)
