"""The ledger's guards one request at a time: time order, the quality a sale
needs, plausible prices, seedlings' age and variety, plot names, a dispatch
to one place, GI marks as serial ranges, the processor's view of its
quality, and tablets that stop when revoked. Every refusal is a 4xx naming
the lot, rule and numbers, and writes nothing."""

from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import create_engine, text
from sqlmodel import select

from oilchain import migrate
from oilchain.auth.models import AccessToken
from oilchain.gi.models import GIMarkIssue
from oilchain.ledger.models import Event
from oilchain.processing.models import Product, ProductLot
from oilchain.sales.models import PriceBound, Sale

from . import chain
from .chain import PASSWORD, db_session, nothing_written
from .test_modules_http import assert_refused, page, pressed_oil, product_lot, received_seed, redirected_to


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("lang", "en")


def refuse(app, auth, url, data, fragment, status=422):
    with nothing_written(app):
        assert_refused(auth.post(url, data), fragment, status)


# --- time order -------------------------------------------------------------------------


def test_no_step_comes_before_its_lots_were_in_the_processors_hands(app, auth, world):
    """Seed received on 2025-11-21 cannot be pressed on 2025-11-20, nor
    shipped on, and its oil not tested before it was pressed."""
    seed = received_seed(app, world)
    auth.login("processor")
    press = {f"input-{seed.code}": "1990", "oil": "500", "cake": "1400", "occurred_on": "2025-11-20"}
    refuse(app, auth, "/processing/press", press,
           f"The date 2025-11-20 comes before 2025-11-21, when lot {seed.code} was received.")
    refuse(app, auth, "/harvest/ship", {"code": seed.code, "to_org_id": world.orgs["processor2"].id, "occurred_on": "2025-11-20"},
           f"The date 2025-11-20 comes before 2025-11-21, when lot {seed.code} was received.")
    assert redirected_to(auth.post("/processing/press", {**press, "occurred_on": "2025-11-21"}))


# --- the quality a sale needs ----------------------------------------------------------------


def sale_form(code, **changes):
    return {"code": code, "buyer": "重庆永辉超市", "channel": "supermarket", "quantity": "10", "unit_price": "128.00",
            "occurred_on": "2025-12-05", **changes}


def untested_product_lot(app, world, units=300):
    oil = pressed_oil(app, world)
    with db_session(app) as session:
        made = chain.product(session, world)
        return chain.bottle(session, world, oil=chain.lot_by_code(session, oil.code), made=made, units=units), oil, made


def test_a_sale_needs_a_standing_test_dated_on_or_before_it_that_reaches_the_products_grade(app, auth, world):
    lot, oil, made = untested_product_lot(app, world)
    auth.login("processor")
    refuse(app, auth, "/sales/new", sale_form(lot.code),
           f"Lot {lot.code} cannot be sold on 2025-12-05: no standing quality test of its oil ({oil.code}) is dated on "
           "or before that day.", )
    with db_session(app) as session:  # a test after the sale does not count
        chain.quality(session, world, oil=oil, on=date(2025, 12, 8))
    refuse(app, auth, "/sales/new", sale_form(lot.code), "no standing quality test of its oil")
    with db_session(app) as session:  # one before it, below every grade (acid 3.5 > grade 2's 3.0)
        chain.quality(session, world, oil=oil, acid=3_500, on=date(2025, 11, 28))
    refuse(app, auth, "/sales/new", sale_form(lot.code),
           f"Lot {lot.code} cannot be sold: the quality test of 2025-11-28 (acid value 3.5; peroxide value 0.12; "
           "moisture 0.06) reaches no grade.")
    with db_session(app) as session:  # grade 2 is enough for a product sold at any grade, not for a grade-1 product
        chain.quality(session, world, oil=oil, acid=2_000, on=date(2025, 11, 29))
        product = session.get(Product, made.id)
        product.lowest_grade = "grade1"
        session.add(product)
        session.commit()
    refuse(app, auth, "/sales/new", sale_form(lot.code),
           f"Lot {lot.code} cannot be sold as this product: the quality test of 2025-11-29 reaches Grade 2, below Grade 1, "
           "the lowest grade the product may be sold at.")
    with db_session(app) as session:
        product = session.get(Product, made.id)
        product.lowest_grade = None
        session.add(product)
        session.commit()
    assert redirected_to(auth.post("/sales/new", sale_form(lot.code)))


# --- plausible prices -------------------------------------------------------------------------


def test_a_price_far_from_the_products_recent_prices_needs_a_reason_which_is_kept(app, auth, world):
    lot = product_lot(app, world, units=300)
    auth.login("processor")
    for price in ("128.00", "132.00", "125.00"):
        assert redirected_to(auth.post("/sales/new", sale_form(lot.code, unit_price=price)))
    with nothing_written(app):
        response = auth.post("/sales/new", sale_form(lot.code, unit_price="99999.00"))
    assert_refused(response, "¥99,999.00 a unit is far from this product's recent prices (median ¥128.00 of 3 sales "
                             "since 2025-09-06; plausible ¥64.00 to ¥256.00).")
    assert 'name="price_note"' in page(response)  # the reason field appears with the warning
    assert redirected_to(auth.post("/sales/new", sale_form(lot.code, unit_price="99999.00", price_note="礼品定制款，合同价")))
    with db_session(app) as session:
        sale = session.exec(select(Sale).order_by(Sale.id.desc())).first()
        assert (sale.unit_price_fen, sale.price_note) == (9_999_900, "礼品定制款，合同价")


def test_without_recent_sales_the_per_kg_bounds_apply_and_the_bureau_edits_them(app, auth, world):
    lot = product_lot(app, world, units=300)  # 458 g a bottle: ¥40..¥1,000 a kg is ¥18.32..¥458.00 a bottle
    auth.login("processor")
    refuse(app, auth, "/sales/new", sale_form(lot.code, unit_price="10.00"),
           "¥10.00 a unit is outside the plausible ¥18.32 to ¥458.00 for this product's 458 g of oil.")
    auth.login("bureau")
    form = {"which": "price", "price-window_days": "60", "price-min_sales": "5", "price-low_percent": "40",
            "price-high_percent": "250", "price-floor": "20", "price-ceiling": "800", "price-csrf_token": auth.token()}
    with nothing_written(app):
        bad = auth.client.post("/admin/bounds", data={**form, "price-floor": "900"})
    assert bad.status_code == 422 and "The floor must be more than zero and below the ceiling." in page(bad)
    assert auth.client.post("/admin/bounds", data=form).status_code == 303
    with db_session(app) as session:
        bound = session.get(PriceBound, "product")
        assert (bound.window_days, bound.min_sales, bound.floor_fen_per_kg, bound.ceiling_fen_per_kg) == (60, 5, 2_000, 80_000)
    auth.login("processor")
    assert redirected_to(auth.post("/sales/new", sale_form(lot.code, unit_price="10.00")))  # ¥9.16 is the floor now
    auth.login("coop")
    assert auth.client.get("/admin/bounds").status_code == 403


# --- nursery and planting -----------------------------------------------------------------------


def test_a_batch_older_than_the_dispatch_age_limit_is_not_dispatched(app, auth, world):
    with db_session(app) as session:
        batch = chain.seedling_batch(session, world)  # started 2020-03-10
    auth.login("nursery")
    form = {"batch_code": batch.code, "grade": "1", "quantity": "100", "plot_id": world.plots["mawang"].id,
            "destination": "", "occurred_on": "2023-03-20"}
    refuse(app, auth, "/nursery/dispatch", form,
           f"Batch {batch.code} was started on 2020-03-10: on 2023-03-20 it is 1105 days old, past the limit of 1095 days")
    assert redirected_to(auth.post("/nursery/dispatch", {**form, "occurred_on": "2023-03-01"}))


def test_a_dispatch_names_a_plot_or_an_outside_buyer_not_both(app, auth, world):
    with db_session(app) as session:
        batch = chain.seedling_batch(session, world)
    auth.login("nursery")
    refuse(app, auth, "/nursery/dispatch",
           {"batch_code": batch.code, "grade": "1", "quantity": "100", "plot_id": world.plots["mawang"].id,
            "destination": "贵州省铜仁市某合作社", "occurred_on": "2021-02-20"},
           "Choose a plot in the county or name a buyer outside it, not both.")


def test_a_planting_with_dispatched_seedlings_takes_their_variety(app, auth, world):
    with db_session(app) as session:
        dispatched = chain.dispatch(session, world, batch=chain.seedling_batch(session, world))  # 长林4号
        other_variety = chain.variety_id(session, "湘林210")
    auth.login("coop")
    form = {"plot_id": world.plots["mawang"].id, "kind": "new", "method": "", "area": "20", "variety_id": other_variety,
            "dispatch_code": dispatched.code, "seedlings": "2000", "occurred_on": "2021-03-01"}
    refuse(app, auth, "/planting/plantings/new", form,
           f"The seedlings of {dispatched.code} are 长林4号: record the planting with their variety.")
    # Top grafting uses no seedlings: the variety is the scions', whatever the plot had.
    grafted = {**form, "kind": "renovation", "method": "top_grafting", "dispatch_code": "", "seedlings": "", "area": "10"}
    assert redirected_to(auth.post("/planting/plantings/new", grafted))


def test_two_plots_of_one_cooperative_cannot_share_a_name_in_one_village(app, auth, world):
    auth.login("coop")
    form = {"name": "老屋基", "township_id": world.plots["mawang"].township_id, "village": "麻旺村", "area": "10",
            "latitude": "28.65", "longitude": "108.93", "year_planted": "2015"}
    refuse(app, auth, "/planting/plots/new", form, "Your cooperative already has a plot named 老屋基 in 麻旺村.")
    assert redirected_to(auth.post("/planting/plots/new", {**form, "village": "红花村"}))
    auth.login("coop2")  # another cooperative may use the name
    assert redirected_to(auth.post("/planting/plots/new", form))


# --- GI marks at the printer ------------------------------------------------------------------------


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


@pytest.fixture
def empty_database(tmp_path, database_url):
    """A database of its own, empty: a SQLite file, or on PostgreSQL a fresh database."""
    from sqlalchemy.engine import make_url

    from .conftest import _drop_postgres_database, _recreate_postgres_database

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


# --- the processor sees its quality -------------------------------------------------------------


def test_the_quality_form_shows_the_grade_reached_and_flags_a_result_out_of_specification(app, client, auth, world):
    oil = pressed_oil(app, world)
    auth.login("processor")
    preview = client.get("/processing/quality/grade?acid_value=0.85&peroxide_value=0.12&moisture=0.06")
    assert "These values reach Grade 1." in page(preview)
    bad = page(client.get("/processing/quality/grade?acid_value=3.5&peroxide_value=0.12&moisture=0.06"))
    assert "Out of specification: below every grade." in bad and "acid value 3.5 is over the lowest grade" in bad
    assert "Type the three values" in page(client.get("/processing/quality/grade?acid_value=abc"))
    form = {"code": oil.code, "acid_value": "3.5", "peroxide_value": "0.12", "moisture": "0.06",
            "laboratory": "重庆市林产品质量检验检测中心", "occurred_on": "2025-11-28"}
    response = auth.post("/processing/quality", form, follow_redirects=True)
    html = page(response)
    assert "Out of specification: it reaches no grade, so this oil cannot be sold." in html
    assert "below every grade" in html  # the oil lot's page, on the test's row
    response = auth.post("/processing/quality", {**form, "acid_value": "0.85"}, follow_redirects=True)
    assert "Quality test recorded: it reaches Grade 1." in page(response)


# --- tablets -------------------------------------------------------------------------------------


def test_a_revoked_tablet_is_signed_out_and_cannot_get_a_token_again_without_the_password(app, client, auth, world):
    """The tablet's browser session and its device token both stop at once;
    the member's other sessions go on."""
    auth.login("coop")
    answer = auth.post("/harvest/field/device", {"label": "Tablet 1", "password": PASSWORD})
    token = answer.get_json()["token"]
    office = app.test_client()  # the member signed in at the office too
    office_auth = type(auth)(office)
    office_auth.login("coop")
    with db_session(app) as session:
        record = session.exec(select(AccessToken)).one()
    assert office_auth.post(f"/harvest/field/devices/{record.id}/revoke").status_code == 303
    entry = {"uuid": "0b0c2f7e-8a51-4c1e-9d7b-2d3c4b5a6f70", "plot_id": world.plots["mawang"].id, "weight": "100",
             "pickers": 3, "harvested_on": "2025-12-18"}
    sync = client.post("/harvest/field/sync", json={"entries": [entry]}, headers={"Authorization": f"Bearer {token}"})
    assert sync.status_code == 401 and "revoked" in sync.get_json()["error"]
    # The tablet's session is over: its pages and a new token need signing in again.
    assert client.get("/harvest/field/").status_code == 302
    again = client.post("/harvest/field/device", data={"label": "Tablet 1", "csrf_token": auth.token()})
    assert again.status_code in (302, 400) and "token" not in (again.get_json(silent=True) or {})
    with db_session(app) as session:
        assert len(session.exec(select(AccessToken)).all()) == 1
    assert office.get("/harvest/").status_code == 200  # the office session is not the tablet's


def test_raising_the_users_session_version_ends_its_sessions(app, client, auth, world):
    from oilchain.auth.models import User

    auth.login("coop")
    assert client.get("/harvest/").status_code == 200
    with db_session(app) as session:
        user = session.exec(select(User).where(User.username == "coop")).one()
        user.session_version += 1
        session.add(user)
        session.commit()
    assert client.get("/harvest/").status_code == 302


# --- disposal ------------------------------------------------------------------------------------


def test_a_disposal_takes_a_quantity_out_with_its_reason_and_refuses_more_than_remains(app, auth, world):
    seed = received_seed(app, world)
    auth.login("processor")
    url = f"/l/{seed.code}/dispose"
    refuse(app, auth, url, {"quantity": "2000", "reason": "霉变", "occurred_on": "2025-12-01"},
           f"Lot {seed.code} has only 1990 kg left; 2000 kg were asked for.")
    refuse(app, auth, url, {"quantity": "10", "reason": "", "occurred_on": "2025-12-01"}, "This field is required.")
    refuse(app, auth, url, {"quantity": "10", "reason": "霉变", "occurred_on": "2025-11-20"},
           f"The date 2025-11-20 comes before 2025-11-21, when lot {seed.code} was received.")
    assert auth.post(url, {"quantity": "10.5", "reason": "霉变", "occurred_on": "2025-12-01"}).status_code == 303
    with db_session(app) as session:
        lot = chain.lot_by_code(session, seed.code)
        assert lot.remaining == chain.RECEIVED_G - 10_500
        event = session.exec(select(Event).where(Event.kind == "dispose")).one()
        assert (event.note, event.loss) == ("霉变", 10_500)
    auth.login("processor2")
    with nothing_written(app):
        assert auth.post(url, {"quantity": "1", "reason": "x", "occurred_on": "2025-12-01"}).status_code == 403
