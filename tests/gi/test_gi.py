"""Geographical indication (地理标志): the bureau's definition (protected
townships, quality thresholds), the producers authorized to use the special
mark, each product lot's eligibility with its three reasons (recomputed when
the definition, an authorization or a quality test changes), the special
marks (never for an ineligible lot, never more than its units, issued as
the next serial ranges, as the migration gave the issues made before) and
the year's register as a page and a PDF."""

import json
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlmodel import func, select

from oilchain import codes
from oilchain.admin import services as admin
from oilchain.auth.models import Organization
from oilchain.errors import DomainError, Forbidden
from oilchain.gi import services as gi
from oilchain.lab import LabValues
from oilchain.gi.models import GIMarkIssue, GIProducer, GIProduct
from oilchain.processing import services as processing
from oilchain.processing.models import ProductLot, QualityTest

from .. import chain
from ..chain import KG, db_session, nothing_written
from ..http import field_error
from ..pdftools import fonts_of, text_of

KEY = "test-serial-key"  # the app fixture's SERIAL_KEY
CREDIT = {"processor": "91500242MA5U8X7K3Q", "processor2": "91500242MA61QW2E9R"}
GI_NAME = "酉阳山茶油"
REGISTRATION = "AGI2021-01234 农业农村部"
# Thresholds in thousandths (as tests store them); the standard chain's test
# (acid 0.85, peroxide 0.12, moisture 0.06) lies inside them.
LIMITS = {"acid": 1_000, "peroxide": 250, "moisture": 100}
GI_LIMITS = LabValues(acid_value=LIMITS["acid"], peroxide_value=LIMITS["peroxide"], moisture=LIMITS["moisture"])
COOP_OF = {"mawang": "coop", "longtan": "coop2"}
FRUIT_G, SEED_G, HUSK_G = 2_000 * KG, 500 * KG, 800 * KG  # per plot


@pytest.fixture
def credit_codes(app, world):
    """The world's processors with their unified social credit codes on record."""
    with db_session(app) as session:
        for name, credit in CREDIT.items():
            org = session.get(Organization, world.orgs[name].id)
            org.credit_code = credit
            session.add(org)
        session.commit()
    return CREDIT


@pytest.fixture
def built(app, world, credit_codes) -> chain.Chain:
    """The standard chain: one plot in 麻旺镇, bottled on 2025-12-01 with a good test."""
    with db_session(app) as session:
        return chain.full_chain(session, world)


def lit(text: str) -> str:
    """A literal as Jinja writes it into HTML."""
    return text.replace("'", "&#39;")


def post_form(auth, url: str, prefix: str, fields: dict):
    """A prefixed form of the GI page (its CSRF field carries the prefix too)."""
    data = {f"{prefix}-{name}": value for name, value in fields.items()}
    data[f"{prefix}-csrf_token"] = auth.token()
    return auth.post(url, data)


def milli(value: int) -> str:
    return f"{value // 1000}.{value % 1000:03d}"


def define(auth, app, townships=("麻旺镇",), acid=LIMITS["acid"], peroxide=LIMITS["peroxide"], moisture=LIMITS["moisture"]):
    with db_session(app) as session:
        ids = [str(chain.township_id(session, name)) for name in townships]
    response = post_form(auth, "/gi/definition", "gi", {
        "name": GI_NAME, "registration": REGISTRATION, "specification": "GB/T 11765-2018",
        "max_acid_value": milli(acid), "max_peroxide_value": milli(peroxide), "max_moisture": milli(moisture),
        "township_ids": ids,
    })
    assert response.status_code == 303, response.get_data(as_text=True)[-3000:]
    return response


def authorize_http(auth, world, org="processor", on=date(2025, 1, 1)):
    response = post_form(auth, "/gi/producers", "producer", {"org_id": str(world.orgs[org].id), "occurred_on": on.isoformat()})
    assert response.status_code == 303, response.get_data(as_text=True)[-3000:]
    return response


def status(app, code: str) -> dict:
    with db_session(app) as session:
        lot = chain.lot_by_code(session, code)
        product_lot = session.exec(select(ProductLot).where(ProductLot.lot_id == lot.id)
                                   .execution_options(populate_existing=True)).one()
        return json.loads(product_lot.gi_status)


def checks(app, code: str) -> dict:
    return {c["check"]: c for c in status(app, code)["checks"]}


def lot_page(client, code: str) -> str:
    response = client.get(f"/l/{code}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def bottled_from(session, world, made, plots, *, acid=850, units=100, on=chain.BOTTLED_ON, actor="processor"):
    """A product lot whose oil was pressed from fruit of the given plots (one
    harvest each; each cooperative hulls its own fruit and ships the seed)."""
    fruit_by_coop = {}
    for plot in plots:
        coop = COOP_OF[plot]
        fruit_by_coop.setdefault(coop, []).append(chain.harvest_lot(session, world, grams=FRUIT_G, plot=plot, coop=coop))
    seeds = []
    for coop, fruits in fruit_by_coop.items():
        n = len(fruits)
        seed, _husk = chain.dry_hull(session, world, inputs=[(f, FRUIT_G) for f in fruits], seed=SEED_G * n, husk=HUSK_G * n,
                                     actor=coop)
        chain.ship(session, world, lot=seed, to=actor, actor=coop)
        chain.receive(session, world, lot=seed, weighed=SEED_G * n, actor=actor)
        seeds.append((chain.lot_by_code(session, seed.code), SEED_G * n))
    total = sum(grams for _, grams in seeds)
    oil, _cake = chain.press(session, world, inputs=seeds, oil=total // 4, cake=total * 7 // 10, actor=actor)
    if acid is not None:
        chain.quality(session, world, oil=oil, acid=acid, actor=actor)
    return chain.bottle(session, world, oil=oil, made=made, units=units, actor=actor, on=on)


# --- eligibility and its three reasons ------------------------------------------------------


def test_an_authorized_producers_lot_from_protected_plots_with_a_good_test_is_eligible(app, en, auth, world, built):
    code = built.product_lot.code
    assert status(app, code) == {}  # no GI defined yet: no status at all
    auth.login("bureau")
    define(auth, app)
    # Defined, but nobody authorized: the producer's reason fails, the other two hold.
    found = checks(app, code)
    assert status(app, code)["eligible"] is False
    assert (found["origin"]["ok"], found["producer"]["ok"], found["quality"]["ok"]) == (True, False, True)
    assert found["producer"]["authorized"] is False
    html = lot_page(en, code)
    assert "The producer is not authorized to use the mark." in html
    assert "Every plot lies in a protected township." in html

    authorize_http(auth, world, on=date(2025, 1, 1))
    now = status(app, code)
    assert now["eligible"] is True and now["name"] == GI_NAME
    assert all(c["ok"] for c in now["checks"])
    html = lot_page(en, code)
    for reason in ("Every plot lies in a protected township.", "The producer is authorized to use the mark.",
                   "The quality test meets the specification."):
        assert reason in html, reason
    gi_page = en.get("/gi/").get_data(as_text=True)
    assert CREDIT["processor"] in gi_page and "桃花源茶油公司" in gi_page
    # The consumer's page says so too.
    with db_session(app) as session:
        first = session.get(ProductLot, built.product_lot.id).serial_first
    gtin = built.product.gtin
    bottle = en.get(f"/01/{gtin}/10/{code}/21/{codes.serial_text(KEY, gtin, code, first)}").get_data(as_text=True)
    assert lit(f"{GI_NAME}: this batch meets the GI specification.") in bottle


def test_origin_every_upstream_plot_must_lie_in_a_protected_township(app, en, auth, world, credit_codes):
    with db_session(app) as session:
        made = chain.product(session, world)
        mawang = bottled_from(session, world, made, ["mawang"]).code
        longtan = bottled_from(session, world, made, ["longtan"]).code
        pooled = bottled_from(session, world, made, ["mawang", "longtan"]).code
    auth.login("bureau")
    define(auth, app, townships=("麻旺镇", "大溪镇"))
    authorize_http(auth, world)
    assert status(app, mawang)["eligible"] is True
    for code in (longtan, pooled):  # one plot outside is enough to fail
        found = checks(app, code)
        assert status(app, code)["eligible"] is False
        assert found["origin"] == {"check": "origin", "ok": False, "outside": ["龙潭镇"], "none": False}
        assert found["producer"]["ok"] and found["quality"]["ok"]
        assert "Plots outside the protected area: 龙潭镇." in lot_page(en, code)

    # The definition changes: every lot is recomputed at once.
    define(auth, app, townships=("麻旺镇", "龙潭镇"))
    assert [status(app, c)["eligible"] for c in (mawang, longtan, pooled)] == [True, True, True]
    define(auth, app, townships=("龙潭镇",))
    assert [status(app, c)["eligible"] for c in (mawang, longtan, pooled)] == [False, True, False]
    assert checks(app, pooled)["origin"]["outside"] == ["麻旺镇"]


def test_the_processor_must_be_authorized_on_the_bottling_date(app, en, auth, world, built):
    """Lots bottled on 12-01, 12-15 and 12-20 (today); the producer is
    authorized on 12-10 and its authorization is revoked today."""
    with db_session(app) as session:
        oil = chain.lot_by_code(session, built.oil.code)
        mid = chain.bottle(session, world, oil=oil, made=built.product, units=40, on=date(2025, 12, 15)).code
        late = chain.bottle(session, world, oil=chain.lot_by_code(session, built.oil.code), made=built.product, units=40,
                            on=date(2025, 12, 20)).code
    early = built.product_lot.code
    auth.login("bureau")
    define(auth, app)
    authorize_http(auth, world, on=date(2025, 12, 10))
    assert [status(app, c)["eligible"] for c in (early, mid, late)] == [False, True, True]
    assert checks(app, early)["producer"] == {"check": "producer", "ok": False, "authorized": True}

    with db_session(app) as session:
        producer = session.exec(select(GIProducer)).one()
    response = auth.post(f"/gi/producers/{producer.id}/revoke")
    assert response.status_code == 303
    with db_session(app) as session:
        assert session.get(GIProducer, producer.id).revoked_on == date(2025, 12, 20)
    # Bottled before the revocation: still eligible; bottled on the day it ended: not.
    assert [status(app, c)["eligible"] for c in (early, mid, late)] == [False, True, False]
    assert "revoked" in en.get("/gi/register?year=2025").get_data(as_text=True)

    # Another processor that was never authorized.
    with db_session(app) as session:
        other = chain.product(session, world, actor="processor2", code=chain.gtin("0692000555550"), name="酉州 山茶油 250ml",
                              ml=250, fill=229)
        theirs = bottled_from(session, world, other, ["mawang"], actor="processor2").code
    assert checks(app, theirs)["producer"] == {"check": "producer", "ok": False, "authorized": False}
    authorize_http(auth, world, org="processor2", on=date(2025, 12, 1))
    assert status(app, theirs)["eligible"] is True


def test_a_renewed_authorization_keeps_lots_bottled_under_the_first_one_eligible(app, world, built):
    """Authorized from 2025-01-01, revoked on 12-16, authorized again on
    12-18: the lot bottled on 12-01 was bottled by an authorized producer."""
    bureau = world.actors["bureau"]
    with db_session(app) as session:
        gi.save_definition(session, actor=bureau, name=GI_NAME, registration=REGISTRATION, specification="",
                           limits=GI_LIMITS, township_ids=[chain.township_id(session, "麻旺镇")])
        producer = gi.authorize(session, actor=bureau, org_id=world.orgs["processor"].id, authorized_on=date(2025, 1, 1))
        session.commit()
        gi.revoke(session, actor=bureau, producer_id=producer.id, revoked_on=date(2025, 12, 16))
        session.commit()
    assert status(app, built.product_lot.code)["eligible"] is True
    with db_session(app) as session:
        gi.authorize(session, actor=bureau, org_id=world.orgs["processor"].id, authorized_on=date(2025, 12, 18))
        session.commit()
    assert status(app, built.product_lot.code)["eligible"] is True


def test_quality_the_latest_standing_test_must_lie_within_the_thresholds(app, en, auth, world, built):
    code, oil_code = built.product_lot.code, built.oil.code
    auth.login("bureau")
    define(auth, app)
    authorize_http(auth, world)
    assert status(app, code)["eligible"] is True  # acid 0.85 against 1.000

    # The thresholds are inclusive: the test's own acid value passes, a thousandth less does not.
    define(auth, app, acid=849)
    assert checks(app, code)["quality"] == {"check": "quality", "ok": False, "tested": True, "over": ["acid_value"]}
    assert "The quality test is outside the specification." in lot_page(en, code)
    define(auth, app, acid=850)
    assert status(app, code)["eligible"] is True

    # A later test with peroxide and moisture too high decides now.
    with db_session(app) as session:
        oil = chain.lot_by_code(session, oil_code)
        bad = chain.quality(session, world, oil=oil, acid=500, peroxide=LIMITS["peroxide"] + 1,
                            moisture=LIMITS["moisture"] + 1, on=date(2025, 12, 3))
        bad_id = bad.id
    assert checks(app, code)["quality"]["over"] == ["peroxide_value", "moisture"]
    assert status(app, code)["eligible"] is False

    # Withdrawn (the oil lot's page, as its processor): the earlier test stands again.
    auth.logout()
    auth.login("processor")
    response = auth.post(f"/quality-tests/{bad_id}/withdraw", {"reason": "样品编号写错"})
    assert response.status_code == 303
    assert status(app, code)["eligible"] is True

    # Withdrawing the only test left: not tested, not eligible.
    with db_session(app) as session:
        only = session.exec(select(QualityTest).where(QualityTest.withdrawn_at.is_(None))).one()
        processing.withdraw_quality_test(session, actor=world.actors["processor"], test_id=only.id, reason="检测报告作废")
        session.commit()
    assert checks(app, code)["quality"] == {"check": "quality", "ok": False, "tested": False, "over": []}
    assert status(app, code)["eligible"] is False
    assert "No quality test is recorded." in lot_page(en, code)


def test_renaming_a_protected_township_keeps_its_lots_eligible(app, world, built):
    """The plots still lie in the protected township after the admin renames
    it; a later recomputation (here: another producer authorized) must not
    find them outside."""
    bureau = world.actors["bureau"]
    with db_session(app) as session:
        mawang = chain.township_id(session, "麻旺镇")
        gi.save_definition(session, actor=bureau, name=GI_NAME, registration=REGISTRATION, specification="",
                           limits=GI_LIMITS, township_ids=[mawang])
        gi.authorize(session, actor=bureau, org_id=world.orgs["processor"].id, authorized_on=date(2025, 1, 1))
        session.commit()
    assert status(app, built.product_lot.code)["eligible"] is True
    with db_session(app) as session:
        admin.rename_township(session, user_id=world.actors["admin"].user_id, township_id=mawang, name="麻旺新镇")
        gi.authorize(session, actor=bureau, org_id=world.orgs["processor2"].id, authorized_on=date(2025, 1, 1))
        session.commit()
    assert checks(app, built.product_lot.code)["origin"]["ok"] is True


# --- special marks ---------------------------------------------------------------------------


def marks_of(app) -> list[tuple[str, int]]:
    with db_session(app) as session:
        from oilchain.ledger.models import Lot

        return [(code, units) for code, units in session.exec(
            select(Lot.code, GIMarkIssue.units).join(Lot, Lot.id == GIMarkIssue.lot_id).order_by(GIMarkIssue.id))]


def test_marks_only_for_an_eligible_lot_and_never_beyond_its_units(app, en, auth, world, built):
    code, units = built.product_lot.code, chain.UNITS
    with db_session(app) as session:
        other = chain.product(session, world, actor="processor2", code=chain.gtin("0692000555550"), name="酉州 山茶油 250ml",
                              ml=250, fill=229)
        outsider = bottled_from(session, world, other, ["mawang"], actor="processor2").code  # processor2: not authorized
    auth.login("bureau")
    define(auth, app)
    authorize_http(auth, world)
    assert status(app, code)["eligible"] is True and status(app, outsider)["eligible"] is False

    def issue(lot_code, n):
        return post_form(auth, "/gi/marks", "marks", {"code": lot_code, "units": str(n), "occurred_on": "2025-12-18"})

    with nothing_written(app):
        response = issue(outsider, 10)
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "marks-code") == \
        f"Lot {outsider} is not eligible for the GI mark; see its reasons."

    with nothing_written(app):
        response = issue(built.oil.code, 10)  # an oil lot is not bottled
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "marks-code") == f"Lot {built.oil.code} is not a bottled product lot."

    first = 600
    assert issue(code, first).status_code == 303
    asked = units - first + 1  # one more than is left
    with nothing_written(app):
        response = issue(code, asked)
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "marks-units") == (
        f"Only {units - first} of the lot&#39;s {units} units are left for marks ({first} issued); {asked} were asked for."
    )
    assert issue(code, units - first).status_code == 303  # exactly what is left
    with nothing_written(app):
        response = issue(code, 1)
    assert response.status_code == 422
    assert f"Only 0 of the lot&#39;s {units} units" in field_error(response.get_data(as_text=True), "marks-units")
    assert marks_of(app) == [(code, first), (code, units - first)]

    # The service refuses the same way, in one call beyond the units.
    with db_session(app) as session, force_locale("en"):
        with pytest.raises(DomainError) as refused:
            gi.issue_marks(session, actor=world.actors["bureau"], lot_code=code, units=1, issued_on=date(2025, 12, 19))
        assert refused.value.field == "units"
        session.rollback()
    assert marks_of(app) == [(code, first), (code, units - first)]


def test_no_marks_for_a_withdrawn_product_lot(app, auth, world, built):
    """A bottling recorded in error and reversed: its codes are void, so no
    special marks may be issued for it."""
    with db_session(app) as session:
        wrong = chain.withdrawn_bottling(session, world, built=built, units=20)
        assert chain.lot_by_code(session, wrong.code).status == "reversed"
    auth.login("bureau")
    define(auth, app)
    authorize_http(auth, world)
    before = chain.app_snapshot(app)
    auth.client.set_cookie("lang", "en")
    response = post_form(auth, "/gi/marks", "marks", {"code": wrong.code, "units": "5", "occurred_on": "2025-12-18"})
    assert marks_of(app) == []
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "marks-code") == f"Lot {wrong.code} was withdrawn: its bottles may not carry the mark."
    assert chain.app_snapshot(app) == before


def test_mark_issues_take_the_next_serials_and_never_pass_the_lots_units(app, world):
    from oilchain.errors import Invalid
    from oilchain.gi import services as gi

    with db_session(app) as session:
        chain.with_credit_code(session, world)
        built = chain.full_chain(session, world)
        chain.gi_defined(session, world)
        bureau = world.actors["bureau"]
        first = session.get(ProductLot, built.product_lot.id).serial_first
        for units in (100, 400):
            gi.issue_marks(session, actor=bureau, lot_code=built.product_lot.code, units=units, issued_on=chain.SOLD_ON)
        session.commit()
        ranges = [(m.serial_first, m.serial_last, m.units) for m in session.exec(select(GIMarkIssue).order_by(GIMarkIssue.id))]
        assert ranges == [(first, first + 99, 100), (first + 100, first + 499, 400)]
        with pytest.raises(Invalid) as refused:
            gi.issue_marks(session, actor=bureau, lot_code=built.product_lot.code, units=501, issued_on=chain.SOLD_ON)
        session.rollback()
        with force_locale("en"):
            assert str(refused.value.message) == ("Only 500 of the lot's 1000 units are left for marks (500 issued); "
                                                  "501 were asked for.")


# --- the register ----------------------------------------------------------------------------


def test_the_register_page_and_pdf_of_a_year(app, en, auth, world, built, tmp_path):
    with db_session(app) as session:
        made_2024 = chain.product(session, world, code=chain.gtin("0692000777770"), name="桃花源 山茶油 2024", ml=500, fill=458)
        fruit_2024 = chain.harvest_lot(session, world, grams=FRUIT_G, on=date(2024, 10, 20))
        seed, _ = chain.dry_hull(session, world, inputs=[(fruit_2024, FRUIT_G)], seed=SEED_G, husk=HUSK_G, on=date(2024, 11, 1))
        chain.ship(session, world, lot=seed, on=date(2024, 11, 2))
        chain.receive(session, world, lot=seed, weighed=SEED_G, on=date(2024, 11, 3))
        oil, _ = chain.press(session, world, inputs=[(chain.lot_by_code(session, seed.code), SEED_G)], oil=SEED_G // 4,
                             cake=SEED_G * 7 // 10, on=date(2024, 11, 10))
        chain.quality(session, world, oil=oil, on=date(2024, 11, 12))
        lot_2024 = chain.bottle(session, world, oil=oil, made=made_2024, units=40, on=date(2024, 12, 1)).code
        mixed = bottled_from(session, world, built.product, ["mawang", "longtan"]).code  # not eligible: 龙潭镇
    eligible = built.product_lot.code
    auth.login("bureau")
    define(auth, app)
    authorize_http(auth, world)
    assert post_form(auth, "/gi/marks", "marks", {"code": eligible, "units": "321", "occurred_on": "2025-12-18"}).status_code == 303

    page = en.get("/gi/register?year=2025")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for text in (GI_NAME, REGISTRATION, "麻旺镇", "桃花源茶油公司", CREDIT["processor"], eligible, mixed, "321",
                 "not eligible", "Plots outside the protected area: 龙潭镇."):
        assert text in html, text
    assert lot_2024 not in html
    html_2024 = en.get("/gi/register?year=2024").get_data(as_text=True)
    assert lot_2024 in html_2024 and eligible not in html_2024 and mixed not in html_2024
    assert en.get("/gi/register?year=1999").status_code == 404

    pdf = en.get("/gi/register.pdf?year=2025")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = text_of(pdf.data, tmp_path, "register-2025.pdf")
    for expected in ("GI register 2025", GI_NAME, CREDIT["processor"], "桃花源茶油公司", eligible, mixed, "321", "麻旺镇"):
        assert expected in text, expected
    assert lot_2024 not in text
    fonts = fonts_of(pdf.data, tmp_path, "register-2025.pdf")
    assert fonts and all(f["emb"] == "yes" for f in fonts), fonts
    text_2024 = text_of(en.get("/gi/register.pdf?year=2024").data, tmp_path, "register-2024.pdf")
    assert lot_2024 in text_2024 and eligible not in text_2024


# --- who may edit ----------------------------------------------------------------------------


def test_only_the_bureau_keeps_the_gi_register(app, client, auth, world, built):
    auth.login("bureau")
    define(auth, app)
    authorize_http(auth, world)
    auth.logout()
    with db_session(app) as session:
        producer_id = session.exec(select(GIProducer.id)).one()
        mawang = str(chain.township_id(session, "麻旺镇"))
    for username in ("processor", "coop"):
        auth.login(username)
        for url in ("/gi/", "/gi/register", "/gi/register.pdf"):
            assert client.get(url).status_code == 403, (username, url)
        with nothing_written(app):
            posts = [
                post_form(auth, "/gi/definition", "gi", {"name": "假冒", "registration": "X", "max_acid_value": "9",
                                                          "max_peroxide_value": "9", "max_moisture": "9", "township_ids": [mawang]}),
                post_form(auth, "/gi/producers", "producer", {"org_id": str(world.orgs["processor2"].id), "occurred_on": "2025-12-01"}),
                post_form(auth, "/gi/marks", "marks", {"code": built.product_lot.code, "units": "5", "occurred_on": "2025-12-18"}),
                auth.post(f"/gi/producers/{producer_id}/revoke"),
            ]
        assert [r.status_code for r in posts] == [403, 403, 403, 403], username
        auth.logout()
    # The services refuse as well, whatever calls them.
    with db_session(app) as session:
        with pytest.raises(Forbidden):
            gi.authorize(session, actor=world.actors["processor"], org_id=world.orgs["processor"].id, authorized_on=date(2025, 1, 1))
        session.rollback()
        with pytest.raises(Forbidden):
            gi.issue_marks(session, actor=world.actors["processor"], lot_code=built.product_lot.code, units=1,
                           issued_on=date(2025, 12, 18))
        session.rollback()
        assert session.exec(select(func.count()).select_from(GIMarkIssue)).one() == 0
        assert session.exec(select(GIProduct.max_acid_value_milli)).one() == LIMITS["acid"]
    # An admin belongs to the bureau.
    auth.login("admin")
    assert client.get("/gi/").status_code == 200


def test_a_definition_needs_protected_townships_and_an_authorization_a_credit_code(app, en, auth, world, built):
    auth.login("bureau")
    with nothing_written(app):
        response = post_form(auth, "/gi/definition", "gi", {"name": GI_NAME, "registration": REGISTRATION, "max_acid_value": "1",
                                                            "max_peroxide_value": "0.25", "max_moisture": "0.1"})
    assert response.status_code == 422
    assert "Choose the protected townships." in response.get_data(as_text=True)
    define(auth, app)
    with db_session(app) as session:  # processor2 without a credit code on record
        org = session.get(Organization, world.orgs["processor2"].id)
        org.credit_code = None
        session.add(org)
        session.commit()
    with nothing_written(app):
        response = post_form(auth, "/gi/producers", "producer", {"org_id": str(world.orgs["processor2"].id),
                                                                "occurred_on": "2025-12-01"})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "producer-org_id") == \
        "This producer has no unified social credit code on record; add it first."
    with nothing_written(app):
        response = post_form(auth, "/gi/producers", "producer", {"org_id": str(world.orgs["processor"].id),
                                                                "occurred_on": (date(2025, 12, 20) + timedelta(days=1)).isoformat()})
    assert response.status_code == 422  # authorized in the future


# --- the migration to serial ranges ---------------------------------------------------------


@pytest.fixture
def empty_database(tmp_path, database_url):
    """A database of its own, empty: a SQLite file, or on PostgreSQL a fresh database."""
    from sqlalchemy.engine import make_url

    from ..conftest import _drop_postgres_database, _recreate_postgres_database

    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    server = make_url(database_url)
    name = f"{server.database}_migration"
    _recreate_postgres_database(server, name)
    yield server.set(database=name).render_as_string(hide_password=False)
    _drop_postgres_database(server, name)


def test_the_migration_gives_existing_mark_issues_their_ranges_in_order(empty_database):
    """Issues made before serial ranges existed get them in the order they
    were made, and the lot's counter their sum; duplicate plot names are told
    apart and the audit log says so."""
    from datetime import datetime, timezone

    from sqlalchemy import create_engine, text

    from oilchain import migrate

    url = empty_database
    migrate.upgrade(url, "0001")
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    at = datetime(2025, 12, 1, tzinfo=timezone.utc)
    with engine.begin() as c:
        run = lambda sql, **values: c.execute(text(sql), values)  # noqa: E731
        run("INSERT INTO organization (id, name, kind, created_at) VALUES (1, '社', 'cooperative', :at)", at=at)
        run("INSERT INTO township (id, name, kind, active) VALUES (1, '麻旺镇', 'town', :yes)", yes=True)
        for plot_id in (1, 2, 3):
            run("INSERT INTO plot (id, name, township_id, village, cooperative_id, area_centimu, latitude_e6, longitude_e6, "
                "year_planted, created_at) VALUES (:i, '老屋基', 1, '麻旺村', 1, 100, 28600000, 108900000, 2015, :at)",
                i=plot_id, at=at)
        run("INSERT INTO lot (id, code, kind, unit, quantity, remaining, owner_org_id, status, produced_on, created_at) "
            "VALUES (1, 'YY-P25-000001', 'product', 'unit', 1000, 1000, 1, 'active', :day, :at)", day=date(2025, 12, 1), at=at)
        run("INSERT INTO product (id, org_id, name, gtin, net_content_ml, fill_grams, shelf_life_days) "
            "VALUES (1, 1, 'p', '06920001234507', 500, 458, 540)")
        run("INSERT INTO product_lot (lot_id, product_id, serial_first, serial_last, best_before, origin_story, "
            "story_updated_at, story_version, gi_status) VALUES (1, 1, 501, 1500, :day, '{}', :at, 1, '{}')",
            day=date(2027, 1, 1), at=at)
        run("INSERT INTO gi_product (id, name, registration, specification, max_acid_value_milli, max_peroxide_value_milli, "
            "max_moisture_milli, active) VALUES (1, 'g', 'r', '', 1, 1, 1, :yes)", yes=True)
        for issue_id, units in ((1, 100), (2, 250)):
            run("INSERT INTO gi_mark_issue (id, gi_id, lot_id, units, issued_on, recorded_at) "
                "VALUES (:i, 1, 1, :u, :day, :at)", i=issue_id, u=units, day=date(2025, 12, 5), at=at)
    engine.dispose()
    migrate.upgrade(url)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as c:
        assert c.execute(text("SELECT serial_first, serial_last FROM gi_mark_issue ORDER BY id")).all() == [(501, 600), (601, 850)]
        assert c.execute(text("SELECT gi_marked FROM product_lot")).scalar() == 350
        assert [name for (name,) in c.execute(text("SELECT name FROM plot ORDER BY id"))] == ["老屋基", "老屋基 (2)", "老屋基 (3)"]
        assert c.execute(text("SELECT COUNT(*) FROM audit_entry WHERE action = 'rename' AND entity = 'plot'")).scalar() == 2
    engine.dispose()
