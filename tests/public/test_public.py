"""The consumer's page, /01/{gtin}/10/{lot}/21/{serial}: a genuine code
shows product, processor and origin; every kind of wrong code is refused
with a page that says what is wrong (a malformed one, such as a wrong check
digit, 400 as GS1's resolver standard wants; one never issued 404), a withdrawn bottling's too; scans are counted; no
JavaScript."""

from datetime import datetime

import pytest
from markupsafe import escape
from sqlmodel import select

from oilchain import clock, codes
from oilchain import ledger
from oilchain.processing.models import ProductLot
from oilchain.public.services import bottle_url

from .. import chain
from ..chain import db_session
from ..http import build, page
from .conftest import KEY, scans


def url(gtin: str, lot: str, serial: str) -> str:
    return f"/01/{gtin}/10/{lot}/21/{serial}?lang=en"


def genuine(gtin: str, lot: str, number: int) -> str:
    return url(gtin, lot, codes.serial_text(KEY, gtin, lot, number))


def test_a_genuine_serial_shows_product_processor_and_origin(app, client, bottled):
    gtin, lot, first, last = bottled.gtin, bottled.lot, bottled.first, bottled.last
    assert last - first + 1 == chain.UNITS
    response = client.get(genuine(gtin, lot, first + 41))
    assert response.status_code == 200
    html = page(response)
    assert "桃花源 压榨山茶油 500ml" in html  # the product
    assert "桃花源茶油公司" in html  # the processor
    for origin in ("麻旺镇", "麻旺合作社", "老屋基", "长林4号", "良种苗圃"):
        assert origin in html, origin
    assert lot in html
    assert "0.85" in html  # the quality test's acid value
    assert "first time" in html
    assert "<script" not in html.lower()
    assert scans(app) == [(first + 41, 1)]


def test_the_first_and_last_serials_of_the_range_are_genuine(app, client, bottled):
    gtin, lot, first, last = bottled.gtin, bottled.lot, bottled.first, bottled.last
    assert client.get(genuine(gtin, lot, first)).status_code == 200
    assert client.get(genuine(gtin, lot, last)).status_code == 200
    # A scanner may hand over the lot in lower case.
    assert client.get(genuine(gtin, lot, first + 1).replace(lot, lot.lower())).status_code == 200


def test_every_kind_of_wrong_code_is_refused_with_a_page_that_says_what_is_wrong(app, client, bottled):
    gtin, lot, first, last = bottled.gtin, bottled.lot, bottled.first, bottled.last
    serial = codes.serial_text(KEY, gtin, lot, first + 5)
    unknown_gtin = chain.gtin("0692000999990")
    forged = serial[:-1] + ("A" if serial[-1] != "A" else "B")
    cases = [
        (url(chain.wrong_check_digit(gtin), lot, serial), "wrong check digit"),
        (url(unknown_gtin, lot, codes.serial_text(KEY, unknown_gtin, lot, first + 5)), "not known to the Youyang camellia oil system"),
        (genuine(gtin, "YY-P25-999999", first + 5), "batch number is not known for this product"),
        (url(gtin, lot, forged), "check code does not match"),
        (url(gtin, lot, codes.serial_text("another-key", gtin, lot, first + 5)), "check code does not match"),
        (genuine(gtin, lot, last + 1), "never issued to this batch"),
        (genuine(gtin, lot, last + 1_000), "never issued to this batch"),
        (url(gtin, lot, "garbage"), "check code does not match"),
    ]
    before = chain.app_snapshot(app)
    for address, message in cases:
        response = client.get(address)
        assert response.status_code == (400 if message == "wrong check digit" else 404), address
        html = page(response)
        assert message in html, (address, html[-1500:])
        assert "<script" not in html.lower()
    after = chain.app_snapshot(app)
    # A code never issued changes nothing but the log of such scans.
    assert after["counts"].pop("unknown_scan") == before["counts"].pop("unknown_scan") + len(cases)
    assert after == before
    assert scans(app) == []
    with chain.db_session(app) as session:
        from oilchain.public.models import UnknownScan

        reasons = [s.reason for s in session.exec(select(UnknownScan).order_by(UnknownScan.id))]
    assert reasons == ["gtin", "product", "lot", "check", "check", "range", "range", "check"]


def test_a_serial_of_another_lot_of_the_same_product_is_not_issued_to_this_one(app, client, world, bottled):
    gtin, first, last = bottled.gtin, bottled.first, bottled.last
    with db_session(app) as session:
        oil = chain.lot_by_code(session, bottled.built.oil.code)
        second = chain.bottle(session, world, oil=oil, made=bottled.built.product, units=10)
        second_range = session.get(ProductLot, second.id)
        second_code = second.code
    assert second_range.serial_first == last + 1  # ranges are contiguous per product
    # The first lot's numbers, with check codes genuine for the second lot's code.
    response = client.get(genuine(gtin, second_code, first))
    assert response.status_code == 404
    assert "never issued to this batch" in page(response)
    assert client.get(genuine(gtin, second_code, second_range.serial_first)).status_code == 200


def test_a_second_scan_shows_the_count_and_the_first_scan_time(app, client, bottled):
    gtin, lot, first = bottled.gtin, bottled.lot, bottled.first
    address = genuine(gtin, lot, first + 7)
    assert "first time" in page(client.get(address))
    with clock.frozen(datetime(2025, 12, 23, 16, 45)):
        html = page(client.get(address))
    assert "checked 2 times" in html
    assert "Dec 20, 2025 10:00" in html  # the first scan's time (county time, in English), not this one's
    assert "Dec 23, 2025" not in html
    assert "<script" not in html.lower()
    with clock.frozen(datetime(2025, 12, 24, 8, 0)):
        html = page(client.get(address))
    assert "checked 3 times" in html and "Dec 20, 2025 10:00" in html
    # Another bottle of the same lot has its own count.
    assert "first time" in page(client.get(genuine(gtin, lot, first + 8)))
    assert scans(app) == [(first + 7, 3), (first + 8, 1)]


def test_a_quality_test_recorded_after_bottling_reaches_the_bottle_page(app, client, world):
    """The origin story is stored at bottling and refreshed when something
    upstream changes, such as a later quality test of the oil."""
    with db_session(app) as session:
        _batch, _dispatch, _fruit, seed, _husk = chain.seed_at_processor(session, world)
        oil, _cake = chain.press(session, world, inputs=[(chain.lot_by_code(session, seed.code), chain.RECEIVED_G)],
                                 oil=chain.OIL_G, cake=chain.CAKE_G)
        made = chain.product(session, world)
        lot = chain.bottle(session, world, oil=oil, made=made, units=100)
        first = session.get(ProductLot, lot.id).serial_first
        gtin, lot_code, oil_code = made.gtin, lot.code, oil.code
    before = page(client.get(genuine(gtin, lot_code, first)))
    assert "1.234" not in before and "Quality test" not in before
    with db_session(app) as session:
        chain.quality(session, world, oil=chain.lot_by_code(session, oil_code), acid=1_234, on=chain.BOTTLED_ON)
    after = page(client.get(genuine(gtin, lot_code, first)))
    assert "1.234" in after


def test_the_bottlings_of_one_oil_lot_share_its_refreshed_story_and_others_keep_theirs(app, world, monkeypatch):
    """A quality test of an oil lot rewrites the stories of all its product
    lots (computed once for them), each equal to that lot's own story, and no
    other product lot's."""
    import json

    from oilchain import provenance

    with db_session(app) as session:
        _batch, _dispatch, _fruit, seed, _husk = chain.seed_at_processor(session, world)
        seed = chain.lot_by_code(session, seed.code)
        oil_a, _ = chain.press(session, world, inputs=[(seed, 600 * chain.KG)], oil=150 * chain.KG, cake=420 * chain.KG)
        oil_b, _ = chain.press(session, world, inputs=[(chain.lot_by_code(session, seed.code), 600 * chain.KG)],
                               oil=150 * chain.KG, cake=420 * chain.KG)
        made = chain.product(session, world)
        lots_a = [chain.bottle(session, world, oil=oil_a, made=made, units=20).id for _ in range(2)]
        lot_b = chain.bottle(session, world, oil=oil_b, made=made, units=20).id
        session.commit()
        before = {lot_id: session.get(ProductLot, lot_id).story_version for lot_id in [*lots_a, lot_b]}
        computed = []
        real = provenance.story.origin_story
        monkeypatch.setattr(provenance.story, "origin_story", lambda s, lot_id: computed.append(lot_id) or real(s, lot_id))
        chain.quality(session, world, oil=chain.lot_by_code(session, oil_a.code), acid=1_234, on=chain.BOTTLED_ON)
        assert len(computed) == 1 and computed[0] in lots_a  # one story for both bottlings of oil_a
        monkeypatch.setattr(provenance.story, "origin_story", real)
        session.expire_all()
        stored = {lot_id: session.get(ProductLot, lot_id) for lot_id in [*lots_a, lot_b]}
        for lot_id in lots_a:
            assert stored[lot_id].story_version == before[lot_id] + 1  # every worker's consumer page reads it again
            assert json.loads(stored[lot_id].origin_story) == json.loads(json.dumps(real(session, lot_id), ensure_ascii=False))
            assert json.loads(stored[lot_id].origin_story)["quality"]["acid_value"] == "1.234"
        assert stored[lot_b].story_version == before[lot_b]
        assert json.loads(stored[lot_b].origin_story)["quality"] is None  # oil_b has no test


def test_a_lot_withdrawn_after_its_bottles_were_scanned_stops_answering_as_genuine(app, client, world, bottled):
    """Each worker keeps a lot's page after its first scan; withdrawing the lot
    (reversing its bottling) must still turn its codes away at once."""
    with db_session(app) as session:
        oil = chain.lot_by_code(session, bottled.built.oil.code)
        lot = chain.bottle(session, world, oil=oil, made=bottled.built.product, units=10)
        session.commit()
        lot_code, first = lot.code, session.get(ProductLot, lot.id).serial_first
    address = genuine(bottled.gtin, lot_code, first)
    assert "first time" in page(client.get(address))
    with db_session(app) as session:
        lot = chain.lot_by_code(session, lot_code)
        ledger.reverse_event(session, actor=world.actors["processor"], event_id=chain.event_that_made(session, lot).id,
                             reason="录错了产品")
        session.commit()
    response = client.get(address)
    assert response.status_code == 404
    assert "withdrawn by its producer" in page(response)


@pytest.mark.usefixtures("english_services")  # messages of services in English too
def test_a_reversed_bottlings_consumer_page_says_it_was_withdrawn(app, client, world):
    def setup(session):
        built = chain.full_chain(session, world)
        product_lot = session.exec(select(ProductLot).where(ProductLot.lot_id == built.product_lot.id)).one()
        url = bottle_url(app.config["PUBLIC_BASE_URL"], app.config["SERIAL_KEY"], built.product.gtin,
                         built.product_lot.code, product_lot.serial_first)
        return built, url.split(app.config["PUBLIC_BASE_URL"], 1)[1]

    built, path = build(app, setup)
    assert client.get(path).status_code == 200  # genuine before the correction
    with db_session(app) as session:
        bottling = chain.event_that_made(session, built.product_lot)
        ledger.reverse_event(session, actor=world.actors["processor"], event_id=bottling.id, reason="灌装记录录错")
        session.commit()
    response = client.get(path)
    assert response.status_code == 404
    assert str(escape("This batch was withdrawn by its producer as recorded in error; its codes are not valid.")) in page(response)
