"""Plantations as the bureau accepts them (验收): renovation methods, the
survival check, a manager's full or partial acceptance, only accepted area
in the figures, no reversal once accepted, the acceptance list with htmx
filtering, and the plots as GeoJSON."""

import re
from datetime import date

import pytest
from flask_babel import force_locale
from markupsafe import escape
from sqlmodel import select

from oilchain.errors import Forbidden, Invalid
from oilchain import ledger
from oilchain.planting import services as planting
from oilchain.planting.models import RENOVATION_METHODS, Acceptance, PlantingRecord, SurvivalCheck
from oilchain.reports import services as reports

from .. import chain
from ..chain import db_session, nothing_written
from ..http import HX

PLANTED_ON = date(2025, 3, 1)

pytestmark = pytest.mark.usefixtures("english_services")  # pages and services in English


def seedlings(session, world, quantity=4_000, plot="mawang"):
    """Certified grade I seedlings dispatched to a plot (a dispatch lot of its cooperative)."""
    batch = chain.seedling_batch(session, world, started=date(2023, 3, 10), on=date(2024, 11, 20))
    return chain.dispatch(session, world, batch=batch, plot=plot, quantity=quantity, on=date(2025, 2, 20))


def record(session, world, *, kind="renovation", method="replanting", centimu=2_000, dispatched=None, plants=0,
           plot="mawang", coop="coop", on=PLANTED_ON) -> PlantingRecord:
    made = planting.record_planting(
        session, actor=world.actors[coop], plot_id=world.plots[plot].id, kind=kind, method=method, area_centimu=centimu,
        variety_id=chain.variety_id(session), planted_on=on, dispatch_code=dispatched.code if dispatched else "",
        seedlings=plants,
    )
    session.commit()
    return made


def survival(session, world, planting_id, permille=905, on=date(2025, 9, 15)):
    check = planting.record_survival(session, actor=world.actors["coop"], planting_id=planting_id, checked_on=on,
                                     survival_permille=permille)
    session.commit()
    return check


def accept(session, world, planting_id, centimu, on=date(2025, 10, 10)):
    done = planting.accept_planting(session, actor=world.actors["bureau"], planting_id=planting_id,
                                    accepted_area_centimu=centimu, accepted_on=on)
    session.commit()
    return done


def html(response) -> str:
    return response.get_data(as_text=True)


def error_next_to(response, field: str, message: str) -> None:
    """422, and `message` in the error paragraph of `field` (its `<field>-error`)."""
    page = html(response)
    assert response.status_code == 422, page[:3000]
    assert re.search(rf'<p class="error" id="{field}-error">[^<]*{re.escape(str(escape(message)))}', page), page[:5000]


def form_error(response, message: str) -> None:
    page = html(response)
    assert response.status_code == 422, page[:3000]
    assert re.search(rf'<p class="error form-error"[^>]*>[^<]*{re.escape(str(escape(message)))}', page), page[:5000]


# --- renovation methods ---------------------------------------------------------------------


def test_each_renovation_method_is_recorded_and_others_are_refused(session, world):
    dispatched = seedlings(session, world)
    replanted = record(session, world, method="replanting", centimu=1_000, dispatched=dispatched, plants=1_000)
    grafted = record(session, world, method="top_grafting", centimu=1_500)  # scions, no seedlings
    tended = record(session, world, method="tending", centimu=2_500)
    assert [(r.kind, r.method, r.area_centimu) for r in (replanted, grafted, tended)] == [
        ("renovation", "replanting", 1_000), ("renovation", "top_grafting", 1_500), ("renovation", "tending", 2_500)]
    assert set(RENOVATION_METHODS) == {"replanting", "top_grafting", "tending"}
    new = record(session, world, kind="new", method="tending", centimu=500, dispatched=dispatched, plants=500)
    assert new.method is None  # a new planting has no renovation method

    with pytest.raises(Invalid, match="Choose how the plantation is renovated."):
        record(session, world, method="pruning", centimu=100)
    session.rollback()
    with pytest.raises(Invalid, match="Planting needs the seedlings it used."):
        record(session, world, method="replanting", centimu=100)
    session.rollback()
    with pytest.raises(Invalid, match="Planting needs the seedlings it used."):
        record(session, world, kind="new", method=None, centimu=100)


# --- the survival check -------------------------------------------------------------------------


def test_a_survival_rate_lies_between_0_and_100_percent(session, world):
    tended = record(session, world, method="tending", centimu=1_000)
    for permille in (-1, 1_001):
        with pytest.raises(Invalid, match="A survival rate lies between 0 and 100%"):
            planting.record_survival(session, actor=world.actors["coop"], planting_id=tended.id,
                                     checked_on=date(2025, 9, 1), survival_permille=permille)
        session.rollback()
    assert survival(session, world, tended.id, permille=0).survival_permille == 0
    assert survival(session, world, tended.id, permille=1_000, on=date(2025, 9, 20)).survival_permille == 1_000
    assert planting.latest_survival(session, tended.id).checked_on == date(2025, 9, 20)


def test_the_survival_form_takes_one_decimal_from_0_to_100(app, auth, world):
    with db_session(app) as session:
        replanted = record(session, world, centimu=2_000, dispatched=seedlings(session, world), plants=2_000)
    url = f"/planting/plantings/{replanted.id}/survival"
    auth.login("coop")
    assert auth.client.get(url).status_code == 200
    for value, message in (("100.1", "Must be at most 100"), ("-1", "Must be at least 0"),
                           ("87.55", "Use at most 1 decimal places.")):
        with nothing_written(app):
            error_next_to(auth.post(url, {"survival": value, "occurred_on": "2025-09-15"}), "survival", message)
    with nothing_written(app):
        error_next_to(auth.post(url, {"survival": "90", "occurred_on": "2025-03-01"}), "occurred_on",
                      "A survival check is made on a day after the planting (2025-03-01), not on the planting day or before it.")
    with nothing_written(app):
        response = auth.post(url, {"survival": "100.1", "occurred_on": "2025-09-15"}, headers=HX)
        error_next_to(response, "survival", "Must be at most 100")
        assert "<html" not in html(response)  # htmx gets the form's partial

    for value, permille in (("100", 1_000), ("0", 0), ("87.5", 875)):
        response = auth.post(url, {"survival": value, "occurred_on": "2025-09-15"})
        assert response.status_code == 303, html(response)[:3000]
    with db_session(app) as session:
        checks = session.exec(select(SurvivalCheck).where(SurvivalCheck.planting_id == replanted.id).order_by(SurvivalCheck.id))
        assert [c.survival_permille for c in checks] == [1_000, 0, 875]

    auth.login("coop2")  # not its plot: it may neither see the planting nor check it
    page = auth.client.get(url)
    assert page.status_code == 403 and "老屋基" not in html(page) and "2025-03-01" not in html(page)
    with nothing_written(app):
        response = auth.post(url, {"survival": "90", "occurred_on": "2025-09-15"})
        assert response.status_code == 403


# --- acceptance ---------------------------------------------------------------------------------


def accept_url(planting_id: int) -> str:
    return f"/planting/plantings/{planting_id}/accept"


def test_a_manager_accepts_fully_or_in_part(app, auth, world):
    with db_session(app) as session:
        dispatched = seedlings(session, world)
        full = record(session, world, kind="new", centimu=2_000, dispatched=dispatched, plants=2_000)
        part = record(session, world, method="replanting", centimu=1_000, dispatched=dispatched, plants=1_000)
        survival(session, world, full.id)
        survival(session, world, part.id)
    auth.login("bureau")
    assert auth.client.get(accept_url(full.id)).status_code == 200
    with nothing_written(app):
        error_next_to(auth.post(accept_url(full.id), {"accepted_area": "20.01", "occurred_on": "2025-10-10"}),
                      "accepted_area", "The accepted area is more than the 20 mu planted.")
    with nothing_written(app):
        error_next_to(auth.post(accept_url(full.id), {"accepted_area": "-1", "occurred_on": "2025-10-10"}),
                      "accepted_area", "Must be at least 0")
    with nothing_written(app):
        error_next_to(auth.post(accept_url(full.id), {"accepted_area": "20", "occurred_on": "2025-02-28"}),
                      "occurred_on", "A planting cannot be accepted before it was planted.")

    response = auth.post(accept_url(full.id), {"accepted_area": "20", "occurred_on": "2025-10-10", "note": "合格"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/planting/acceptance")
    response = auth.post(accept_url(part.id), {"accepted_area": "7.25", "occurred_on": "2025-10-11"})
    assert response.status_code == 303, html(response)[:3000]
    with db_session(app) as session:
        accepted = {a.planting_id: (a.accepted_area_centimu, a.accepted_on, a.note) for a in session.exec(select(Acceptance))}
    assert accepted == {full.id: (2_000, date(2025, 10, 10), "合格"), part.id: (725, date(2025, 10, 11), "")}
    with nothing_written(app):
        form_error(auth.post(accept_url(part.id), {"accepted_area": "1", "occurred_on": "2025-10-12"}),
                   "This planting has been accepted already.")


def test_acceptance_waits_for_a_survival_check_except_for_tending(app, auth, world):
    with db_session(app) as session:
        dispatched = seedlings(session, world)
        waiting = {
            "new": record(session, world, kind="new", centimu=1_000, dispatched=dispatched, plants=1_000),
            "replanting": record(session, world, method="replanting", centimu=1_000, dispatched=dispatched, plants=1_000),
            "top_grafting": record(session, world, method="top_grafting", centimu=1_000),
        }
        tended = record(session, world, method="tending", centimu=1_000)
    auth.login("bureau")
    for made in waiting.values():
        with nothing_written(app):
            form_error(auth.post(accept_url(made.id), {"accepted_area": "10", "occurred_on": "2025-10-10"}),
                       "Record a survival check before accepting this planting.")
    response = auth.post(accept_url(tended.id), {"accepted_area": "10", "occurred_on": "2025-10-10"})
    assert response.status_code == 303, html(response)[:3000]
    with db_session(app) as session:
        survival(session, world, waiting["top_grafting"].id)
    assert auth.post(accept_url(waiting["top_grafting"].id), {"accepted_area": "10", "occurred_on": "2025-10-10"}).status_code == 303


def test_acceptance_cannot_be_dated_before_the_survival_check_it_rests_on(session, world):
    """Acceptance comes after the survival check (DESIGN: the bureau accepts
    after counting the young trees): one dated before the check is refused."""
    grafted = record(session, world, method="top_grafting", centimu=1_000)
    survival(session, world, grafted.id, on=date(2025, 11, 1))
    before = chain.snapshot(session)
    with pytest.raises(Invalid):
        planting.accept_planting(session, actor=world.actors["bureau"], planting_id=grafted.id,
                                 accepted_area_centimu=1_000, accepted_on=date(2025, 10, 10))
    session.rollback()
    assert chain.snapshot(session) == before
    assert accept(session, world, grafted.id, 1_000, on=date(2025, 11, 1)).accepted_on == date(2025, 11, 1)


def test_the_latest_survival_check_is_the_latest_by_day_wherever_it_is_read(session, world):
    """A check entered late for an earlier day is not the latest: the
    acceptance list, the cooperative's list and the acceptance itself agree."""
    from oilchain.planting import queries

    made = record(session, world, method="top_grafting", centimu=1_000)
    survival(session, world, made.id, permille=900, on=date(2025, 9, 15))
    survival(session, world, made.id, permille=500, on=date(2025, 6, 1))  # typed in afterwards
    assert planting.latest_survival(session, made.id).survival_permille == 900
    [row] = queries.acceptance_rows(session, township_id=None, waiting=True)
    assert row[5].survival_permille == 900
    [row] = queries.planting_rows(session, world.orgs["coop"].id)
    assert row[4].survival_permille == 900


def test_only_a_manager_accepts(app, auth, session, world):
    tended = record(session, world, method="tending", centimu=1_000)
    for username in ("coop", "admin", "processor"):
        auth.login(username)
        assert auth.client.get(accept_url(tended.id)).status_code == 403
        with nothing_written(app):
            assert auth.post(accept_url(tended.id), {"accepted_area": "10", "occurred_on": "2025-10-10"}).status_code == 403
    with pytest.raises(Forbidden):
        planting.accept_planting(session, actor=world.actors["coop"], planting_id=tended.id, accepted_area_centimu=1_000,
                                 accepted_on=date(2025, 10, 10))


def test_only_accepted_area_counts_in_the_figures(session, world):
    dispatched = seedlings(session, world)
    new = record(session, world, kind="new", centimu=2_000, dispatched=dispatched, plants=2_000)
    replanted = record(session, world, method="replanting", centimu=1_000, dispatched=dispatched, plants=1_000)
    tended = record(session, world, method="tending", centimu=800)
    survival(session, world, new.id)
    survival(session, world, replanted.id)

    def actual(metric):
        reports.rollup_year(session, 2025, date(2025, 12, 19))
        session.commit()
        return next(r for r in reports.figures(session, 2025).rows if r.metric == metric).actual

    assert (actual("planted_new"), actual("renovated")) == (0, 0)  # recorded, not accepted
    accept(session, world, new.id, 1_750)
    accept(session, world, tended.id, 625)
    assert (actual("planted_new"), actual("renovated")) == (1_750, 625)  # the replanting still waits
    accept(session, world, replanted.id, 1_000)
    assert actual("renovated") == 625 + 1_000
    rows, total = reports.records(session, "renovated", 2025)
    assert total == 1_625 and len(rows) == 2


def test_an_accepted_planting_can_no_longer_be_reversed(app, auth, world):
    with db_session(app) as session:
        dispatched = seedlings(session, world, quantity=3_000)
        accepted = record(session, world, kind="new", centimu=2_000, dispatched=dispatched, plants=2_000)
        waiting = record(session, world, method="replanting", centimu=1_000, dispatched=dispatched, plants=1_000)
        survival(session, world, accepted.id)
        accept(session, world, accepted.id, 2_000)
    auth.login("coop")
    with nothing_written(app):
        form_error(auth.post(f"/events/{accepted.event_id}/reverse", {"lot": dispatched.code, "reason": "录错"}),
                   "This planting has been accepted by the bureau and can no longer be reversed.")
    # one still waiting for acceptance may be reversed: its seedlings return
    response = auth.post(f"/events/{waiting.event_id}/reverse", {"lot": dispatched.code, "reason": "录错"})
    assert response.status_code == 303, html(response)[:3000]
    with db_session(app) as session, force_locale("en"):
        assert chain.lot_by_code(session, dispatched.code).remaining == 3_000 - 2_000
        with pytest.raises(Invalid, match="This planting record was reversed."):
            accept(session, world, waiting.id, 1_000)


def test_the_service_refuses_to_reverse_an_accepted_planting(session, world):
    tended = record(session, world, method="tending", centimu=1_000)
    accept(session, world, tended.id, 1_000)
    before = chain.snapshot(session)
    with pytest.raises(Invalid, match="can no longer be reversed"):
        ledger.reverse_event(session, actor=world.actors["coop"], event_id=tended.event_id, reason="录错")
    assert chain.snapshot(session) == before  # refused before anything was written, not left to a rollback


# --- the acceptance list ---------------------------------------------------------------------------


def test_the_acceptance_page_lists_waiting_plantings_filtered_by_township_with_htmx(app, auth, world):
    with db_session(app) as session:
        mawang_record = record(session, world, method="tending", centimu=1_000)
        record(session, world, method="tending", centimu=1_000, plot="longtan", coop="coop2")
        done = record(session, world, method="tending", centimu=500, on=date(2025, 4, 1))
        accept(session, world, done.id, 500)
        mawang, longtan = chain.township_id(session, "麻旺镇"), chain.township_id(session, "龙潭镇")
    plot_link = lambda plot: f'/planting/plots/{world.plots[plot].id}">{world.plots[plot].name}</a>'  # noqa: E731
    accept_link = lambda made: f'href="/planting/plantings/{made.id}/accept"'  # noqa: E731

    auth.login("bureau")
    page = html(auth.client.get("/planting/acceptance"))
    assert "<html" in page and 'hx-target="#acceptance-rows"' in page
    assert plot_link("mawang") in page and plot_link("longtan") in page
    assert accept_link(mawang_record) in page and accept_link(done) not in page  # accepted: no longer waiting

    rows = auth.client.get(f"/planting/acceptance?township={mawang}", headers=HX)
    assert rows.status_code == 200
    partial = html(rows)
    assert "<html" not in partial and "<select" not in partial and "<tbody>" in partial
    assert plot_link("mawang") in partial and plot_link("longtan") not in partial
    partial = html(auth.client.get(f"/planting/acceptance?township={longtan}", headers=HX))
    assert plot_link("longtan") in partial and plot_link("mawang") not in partial

    accepted = html(auth.client.get(f"/planting/acceptance?township={mawang}&state=done", headers=HX))
    assert "5 mu" in accepted and accept_link(done) not in accepted and accept_link(mawang_record) not in accepted

    auth.login("coop")
    assert auth.client.get("/planting/acceptance").status_code == 403


# --- plots as GeoJSON ---------------------------------------------------------------------------------


def features(response) -> list[dict]:
    assert response.status_code == 200
    assert response.mimetype in ("application/json", "application/geo+json")
    collection = response.get_json()
    assert collection["type"] == "FeatureCollection" and isinstance(collection["features"], list)
    for feature in collection["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["properties"], dict)
        assert feature["geometry"]["type"] == "Point"
        longitude, latitude = feature["geometry"]["coordinates"]  # GeoJSON: longitude first
        assert all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (longitude, latitude))
        assert -180 <= longitude <= 180 and -90 <= latitude <= 90
    return collection["features"]


def test_plots_as_geojson_for_a_cooperative_and_for_the_bureau(app, auth, world):
    expected = {
        plot.id: [plot.longitude_e6 / 1_000_000, plot.latitude_e6 / 1_000_000] for plot in world.plots.values()
    }
    auth.login("coop")
    own = features(auth.client.get("/planting/plots.geojson"))
    assert [f["properties"]["id"] for f in own] == [world.plots["mawang"].id]
    assert own[0]["geometry"]["coordinates"] == expected[world.plots["mawang"].id] == [108.93112, 28.65231]
    assert own[0]["properties"]["name"] == world.plots["mawang"].name

    auth.login("bureau")
    every = features(auth.client.get("/planting/plots.geojson"))
    assert {f["properties"]["id"]: f["geometry"]["coordinates"] for f in every} == expected

    auth.login("processor")
    assert auth.client.get("/planting/plots.geojson").status_code == 403
