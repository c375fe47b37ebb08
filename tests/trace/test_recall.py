"""Recalls: the bureau starts one from any lot or plot; it reaches every
product lot made from it (through the trees that bore the fruit), their
serial ranges and the buyers of their sales; from then on each of those
bottles' pages warns the consumer, until the recall is closed."""

from dataclasses import dataclass
from datetime import date

import pytest
from sqlmodel import select

from oilchain import codes
from oilchain.errors import DomainError
from oilchain.processing.models import ProductLot
from oilchain.public.models import SerialScan
from oilchain.sales import services as sales
from oilchain.trace import recalls
from oilchain.ledger.models import Hold
from oilchain.trace.models import Recall

from .. import chain
from ..chain import KG, db_session, nothing_written
from ..http import field_error, page
from ..pdftools import fonts_of, text_of
from .conftest import start

KEY = "test-serial-key"  # the app fixture's SERIAL_KEY
REASON = "苗木检疫证书造假，涉及批次全部召回"
BUYER_A = "重庆永辉超市"  # chain.sell's buyer
BUYER_B = "酉阳县桃花源旅游商店"
SOLD_A, SOLD_B = 200, 75
WARNING = "Recall: do not use this oil"


@dataclass
class Recallable:
    built: chain.Chain
    first: int  # the product lot's serial range
    last: int
    other_code: str  # a product lot made from other fruit (龙潭镇), same product
    other_first: int
    young_batch: str  # a batch whose trees on 青山坡 were too young to bear this harvest


@pytest.fixture
def recallable(app, world) -> Recallable:
    with db_session(app) as session:
        built = chain.full_chain(session, world)
        chain.sell(session, world, lot=built.product_lot, quantity=SOLD_A)
        sales.sell(session, actor=world.actors["processor"], lot_code=built.product_lot.code, buyer=BUYER_B, channel="retail",
                   quantity=SOLD_B, unit_price_fen=13_800, sold_on=date(2025, 12, 8))
        session.commit()
        # Trees planted on 青山坡 in March 2023 bear nothing by October 2025.
        young = chain.seedling_batch(session, world)
        dispatched = chain.dispatch(session, world, batch=young, plot="longtan", quantity=1_500, on=date(2023, 2, 20))
        chain.plant(session, world, dispatched=dispatched, plot="longtan", coop="coop2", seedlings=1_500, area_centimu=1_500,
                    on=date(2023, 3, 1))
        fruit = chain.harvest_lot(session, world, grams=2_000 * KG, plot="longtan", coop="coop2")
        seed, _ = chain.dry_hull(session, world, inputs=[(fruit, 2_000 * KG)], seed=500 * KG, husk=800 * KG, actor="coop2")
        chain.ship(session, world, lot=seed, actor="coop2")
        chain.receive(session, world, lot=seed, weighed=500 * KG)
        oil, _ = chain.press(session, world, inputs=[(chain.lot_by_code(session, seed.code), 500 * KG)], oil=125 * KG, cake=350 * KG)
        chain.quality(session, world, oil=oil)
        other = chain.bottle(session, world, oil=oil, made=built.product, units=100)
        own = session.get(ProductLot, built.product_lot.id)
        return Recallable(built, own.serial_first, own.serial_last, other.code, session.get(ProductLot, other.id).serial_first,
                          young.code)


def bottle_url(gtin: str, lot: str, number: int) -> str:
    return f"/01/{gtin}/10/{lot}/21/{codes.serial_text(KEY, gtin, lot, number)}"


def marked(app, recall_id: int) -> set[str]:
    """The product lots the recall holds (whose bottles warn)."""
    from oilchain.ledger.models import Lot

    with db_session(app) as session:
        return set(session.exec(
            select(Lot.code).join(Hold, Hold.lot_id == Lot.id).join(ProductLot, ProductLot.lot_id == Lot.id)
            .where(Hold.recall_id == recall_id)
        ))


def scan_count(app, lot_code: str, number: int) -> int:
    with db_session(app) as session:
        lot = chain.lot_by_code(session, lot_code)
        scan = session.get(SerialScan, (lot.id, number))
        return 0 if scan is None else scan.count


def test_a_recall_walks_from_a_seedling_batch_to_the_buyers_and_warns_on_the_bottle(app, en, auth, recallable, tmp_path):
    built = recallable.built
    gtin, code = built.product.gtin, built.product_lot.code
    bottle = bottle_url(gtin, code, recallable.first + 17)
    unrelated = bottle_url(gtin, recallable.other_code, recallable.other_first)
    assert WARNING not in page(en.get(bottle))  # before the recall

    auth.login("bureau")
    recall_id = start(auth, code=built.batch.code, reason=REASON)
    assert marked(app, recall_id) == {code}

    html = page(en.get(f"/recalls/{recall_id}"))
    assert code in html and recallable.other_code not in html
    assert f"{recallable.first}–{recallable.last}" in html  # the serial range
    assert BUYER_A in html and BUYER_B in html
    assert built.batch.code in html and REASON in html
    assert f"1 product lots, {chain.UNITS:,} units; {SOLD_A + SOLD_B} units sold to 2 buyers" in html

    pdf = en.get(f"/recalls/{recall_id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = text_of(pdf.data, tmp_path, "recall.pdf")
    for expected in (BUYER_A, BUYER_B, code, built.batch.code, f"{recallable.first}–{recallable.last}"):
        assert expected in text, expected
    assert recallable.other_code not in text
    assert all(font["emb"] == "yes" for font in fonts_of(pdf.data, tmp_path, "recall.pdf"))

    # The consumer's page warns at once, and the scan still counts.
    before = scan_count(app, code, recallable.first + 17)
    response = en.get(bottle)
    assert response.status_code == 200
    html = page(response)
    assert WARNING in html and REASON in html
    assert "Genuine code, checked 2 times" in html
    assert scan_count(app, code, recallable.first + 17) == before + 1
    # The lot's own page too; a bottle of another lot shows nothing.
    assert WARNING in page(en.get(f"/01/{gtin}/10/{code}"))
    unrelated_html = page(en.get(unrelated))
    assert "Genuine code" in unrelated_html and WARNING not in unrelated_html

    # Closed: the warning goes.
    response = auth.post(f"/recalls/{recall_id}/close", {"note": "经复检苗木合格，召回解除"})
    assert response.status_code == 303
    html = page(en.get(bottle))
    assert WARNING not in html and "checked 3 times" in html
    assert "(closed)" in page(en.get(f"/recalls/{recall_id}"))


def test_closing_a_closed_recall_is_refused_with_its_message(app, en, auth, recallable):
    auth.login("bureau")
    recall_id = start(auth, code=recallable.built.oil.code, reason=REASON)
    assert auth.post(f"/recalls/{recall_id}/close", {"note": "经复检合格"}).status_code == 303
    with nothing_written(app):
        again = auth.post(f"/recalls/{recall_id}/close", {"note": "再次关闭"})
    assert again.status_code == 422
    assert "This recall is closed already." in page(again)


def test_a_recall_from_the_plot_or_from_the_oil_reaches_the_same_product_lot(app, auth, world, recallable):
    built = recallable.built
    auth.login("bureau")
    from_batch = start(auth, code=built.batch.code, reason=REASON)
    from_plot = start(auth, plot_id=str(world.plots["mawang"].id), reason="果园农药残留超标")
    from_oil = start(auth, code=built.oil.code, reason="酸价复检超标")
    from_fruit_url = start(auth, code=f"https://trace.example.cn/l/{built.fruit.code.lower()}", reason="鲜果霉变")
    expected = {built.product_lot.code}
    assert marked(app, from_batch) == marked(app, from_plot) == marked(app, from_oil) == marked(app, from_fruit_url) == expected
    with db_session(app) as session:
        plot_recall = session.get(Recall, from_plot)
        assert (plot_recall.start_kind, plot_recall.start_id) == ("plot", world.plots["mawang"].id)
        assert "老屋基" in plot_recall.start_label
    # The other plot's recall reaches the other lot only.
    from_other_plot = start(auth, plot_id=str(world.plots["longtan"].id), reason="果园农药残留超标")
    assert marked(app, from_other_plot) == {recallable.other_code}


def test_a_recall_from_trees_too_young_to_bear_reaches_nothing(app, en, auth, world, recallable):
    """The young batch was planted on 青山坡 two and a half years before its
    harvest: that fruit came from older trees, so nothing is recalled."""
    auth.login("bureau")
    recall_id = start(auth, code=recallable.young_batch, reason=REASON)
    assert marked(app, recall_id) == set()
    html = page(en.get(f"/recalls/{recall_id}"))
    assert "No product lot was made from it." in html and recallable.other_code not in html
    gtin = recallable.built.product.gtin
    assert WARNING not in page(en.get(bottle_url(gtin, recallable.other_code, recallable.other_first)))
    preview = en.get(f"/recalls/preview?code={recallable.young_batch}", headers={"HX-Request": "true"})
    assert "reaches 0 product lots (0 units) sold to 0 buyers" in page(preview)


def test_bad_input_is_refused_next_to_its_field_and_writes_nothing(app, en, auth, recallable):
    auth.login("bureau")
    cases = [
        ({"code": "YY-S20-999999", "reason": REASON}, "code", "No lot has the code YY-S20-999999."),
        ({"code": "ABC-123", "reason": REASON}, "code", "“ABC-123” is not a lot code (they look like YY-H25-000123)."),
        ({"code": recallable.built.batch.code, "reason": ""}, "reason", "This field is required."),
        ({"code": "", "reason": REASON}, "code", "Give a lot code or choose a plot."),
    ]
    for fields, field, message in cases:
        with nothing_written(app):
            response = auth.post("/recalls", fields)
        assert response.status_code == 422, fields
        assert field_error(page(response), field) == message, fields
        # htmx gets the form's partial with the same message.
        with nothing_written(app):
            partial = auth.post("/recalls", fields, headers={"HX-Request": "true"})
        assert partial.status_code == 422 and "<html" not in page(partial)
        assert field_error(page(partial), field) == message


def test_a_processor_cannot_run_recalls(app, client, auth, world, recallable):
    auth.login("bureau")
    recall_id = start(auth, code=recallable.built.batch.code, reason=REASON)
    auth.logout()
    auth.login("processor")
    for url in ("/recalls", f"/recalls/preview?code={recallable.built.batch.code}", f"/recalls/{recall_id}",
                f"/recalls/{recall_id}.pdf"):
        assert client.get(url).status_code == 403, url
    with nothing_written(app):
        assert auth.post("/recalls", {"code": recallable.built.oil.code, "reason": REASON}).status_code == 403
        assert auth.post(f"/recalls/{recall_id}/close", {"note": "不召回了"}).status_code == 403
    with db_session(app) as session:
        with pytest.raises(DomainError):
            recalls.start_recall(session, actor=world.actors["processor"], reason=REASON,
                                 lot_code=recallable.built.oil.code)
        session.rollback()
        assert session.get(Recall, recall_id).closed_at is None


def test_the_htmx_preview_answers_the_partial_with_the_number_of_product_lots(app, en, auth, world, recallable):
    auth.login("bureau")
    with nothing_written(app):
        response = en.get(f"/recalls/preview?code={recallable.built.batch.code}", headers={"HX-Request": "true"})
        by_plot = en.get(f"/recalls/preview?plot_id={world.plots['mawang'].id}", headers={"HX-Request": "true"})
        unknown = en.get("/recalls/preview?code=YY-O25-999999", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = page(response)
    assert html.lstrip().startswith('<div id="recall-preview"') and "<html" not in html
    assert (f"A recall from {recallable.built.batch.code} reaches 1 product lots ({chain.UNITS:,} units) sold to 2 buyers."
            in html)
    assert "reaches 1 product lots" in page(by_plot) and "老屋基" in page(by_plot)
    assert "No lot has the code YY-O25-999999." in page(unknown)
    # The full page includes the same partial, empty until something is typed.
    assert 'id="recall-preview"' in page(en.get("/recalls"))


def test_the_recalled_oil_cannot_be_bottled_while_the_recall_is_open(app, en, auth, world, recallable):
    """The recall names its start; what remains of that oil is on hold: a
    bottling is refused with the recall's number, and nothing is written."""
    built = recallable.built
    auth.login("bureau")
    recall_id = start(auth, code=built.oil.code, reason="酸价复检超标")
    with db_session(app) as session, nothing_written(app):
        with pytest.raises(DomainError) as refused:
            chain.bottle(session, world, oil=chain.lot_by_code(session, built.oil.code), made=built.product, units=20)
        session.rollback()
    assert f"Lot {built.oil.code} is on hold under recall #{recall_id}" in str(refused.value.message)
