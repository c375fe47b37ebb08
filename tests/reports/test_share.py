"""The improved-variety share of the year's planting (the plan's 75%): a
ratio the roll-up stores as numerator and denominator, derived for the
dashboard, the records behind it, the township split and the printed
report; planting without dispatched seedlings shown as unknown source."""

from datetime import date

import pytest
from sqlmodel import select

from oilchain import ledger
from oilchain.admin import services as admin
from oilchain.nursery import services as nursery
from oilchain.planting import services as planting
from oilchain.planting.models import PlantingRecord
from oilchain.reports import printing
from oilchain.reports import services as reports
from oilchain.reports.models import DailyActual, Target
from oilchain.reports.share import share_totals

from .. import chain
from ..chain import db_session

pytestmark = pytest.mark.usefixtures("english")

YEAR = 2025
DISPATCHED = date(2025, 2, 20)


def certified_batch(session, world, variety: str):
    """A batch of `variety`, graded and certified in late 2024."""
    lot = nursery.register_batch(
        session, actor=world.actors["nursery"], variety_id=chain.variety_id(session, variety), propagation="grafting",
        seed_source=f"国家油茶良种基地{variety}采穗圃", quantity=10_000, started_on=date(2024, 3, 10),
    )
    nursery.grade_batch(session, actor=world.actors["nursery"], code=lot.code, grade1=7_000, grade2=2_500, rejected=500,
                        graded_on=date(2024, 11, 20))
    nursery.certify_batch(session, actor=world.actors["nursery"], code=lot.code, licence_no="渝林种苗2020-0031",
                          certificate_no="2024-ZJ-0017", label_no="2024-BQ-0017", quarantine_no="渝检2024-0412",
                          certified_on=date(2024, 12, 1))
    session.commit()
    return chain.lot_by_code(session, lot.code)


def accepted(session, world, record, area=None):
    coop = world.actors["coop"] if record.plot_id == world.plots["mawang"].id else world.actors["coop2"]
    if planting.needs_survival_check(record):
        planting.record_survival(session, actor=coop, planting_id=record.id, checked_on=date(YEAR, 9, 15),
                                 survival_permille=920)
    planting.accept_planting(session, actor=world.actors["bureau"], planting_id=record.id,
                             accepted_area_centimu=record.area_centimu if area is None else area,
                             accepted_on=date(YEAR, 10, 10))
    session.commit()
    return record


def planted(session, world, *, plot, kind, area, variety, method=None, batch=None, seedlings=0, day=date(YEAR, 3, 1)):
    coop = "coop" if plot == "mawang" else "coop2"
    code = ""
    if batch is not None:
        code = chain.dispatch(session, world, batch=batch, plot=plot, quantity=seedlings, on=DISPATCHED).code
    record = planting.record_planting(
        session, actor=world.actors[coop], plot_id=world.plots[plot].id, kind=kind, method=method, area_centimu=area,
        variety_id=chain.variety_id(session, variety), planted_on=day, dispatch_code=code, seedlings=seedlings,
    )
    session.commit()
    return record


def planted_without_dispatch(session, world, *, area, seedlings, variety="长林4号"):
    """A new planting recorded with seedlings but no dispatch on record (as
    older records and the county data carry them: self-raised or bought
    outside): the planting service asks for a dispatch, so it is written as
    the service writes one, without the seedlings' input line."""
    recorded = ledger.record_event(session, actor=world.actors["coop"], kind="plant", occurred_on=date(YEAR, 3, 5),
                                   inputs=[], plot_id=world.plots["mawang"].id)
    record = PlantingRecord(plot_id=world.plots["mawang"].id, kind="new", area_centimu=area,
                            variety_id=chain.variety_id(session, variety), seedlings=seedlings,
                            event_id=recorded.event.id, planted_on=date(YEAR, 3, 5))
    session.add(record)
    session.commit()
    return record


def the_year(session, world):
    """By hand: improved 10 mu (new, certified 长林4号 seedlings, 1,000 plants)
    + 2.5 mu (top grafting with 长林4号 scions) = 12.5 mu; not improved
    3 mu (new, certified 华鑫 seedlings, 华鑫 not marked improved, 300 plants);
    unknown source 4.5 mu (450 plants, no dispatch); tending 5 mu does not
    count. Share 12.5 / 20 = 62.5%; 麻旺镇 10 / 14.5 = 68.9%, 龙潭镇
    2.5 / 5.5 = 45.4% (rounded down, per mille)."""
    admin.set_improved(session, user_id=world.actors["admin"].user_id, variety_id=chain.variety_id(session, "长林4号"),
                       improved=True, approval_number="国S-SC-CO-006-2008", approval_pending=False)
    session.commit()
    improved, other = certified_batch(session, world, "长林4号"), certified_batch(session, world, "华鑫")
    accepted(session, world, planted(session, world, plot="mawang", kind="new", area=1_000, variety="长林4号",
                                     batch=improved, seedlings=1_000))
    accepted(session, world, planted(session, world, plot="longtan", kind="renovation", method="top_grafting", area=250,
                                     variety="长林4号"))
    accepted(session, world, planted(session, world, plot="longtan", kind="new", area=300, variety="华鑫", batch=other,
                                     seedlings=300))
    accepted(session, world, planted_without_dispatch(session, world, area=450, seedlings=450))
    accepted(session, world, planted(session, world, plot="mawang", kind="renovation", method="tending", area=500,
                                     variety="长林4号"))
    # planted but not yet accepted: no part of the share
    planted(session, world, plot="mawang", kind="new", area=200, variety="长林4号", batch=improved, seedlings=200)
    reports.rollup_year(session, YEAR, date(YEAR, 12, 19))
    session.commit()


def share_row(found):
    return next(r for r in found.rows if r.metric == "improved_share")


def test_the_share_its_township_split_and_its_records_agree_with_a_hand_count(session, world):
    the_year(session, world)
    found = reports.figures(session, YEAR)
    row = share_row(found)
    assert row.actual == 625  # 62.5%
    assert row.parts == {"improved_area": 1_250, "planted_area": 2_000, "improved_plants": 1_000,
                         "planted_plants": 1_750, "unknown_area": 450, "unknown_plants": 450}
    # the roll-up stores numerator and denominator, never the share
    stored = {r.metric for r in session.exec(select(DailyActual))}
    assert {"improved_area", "planted_area", "unknown_area"} <= stored and "improved_share" not in stored
    mawang, longtan = world.plots["mawang"].township_id, world.plots["longtan"].township_id
    split = {t["township_id"]: t["values"] for t in found.townships}
    assert (split[mawang]["improved_share"], split[mawang]["unknown_area"]) == (689, 450)
    assert (split[longtan]["improved_share"], split[longtan]["unknown_area"]) == (454, 0)
    rows, total = reports.records(session, "improved_share", YEAR)
    totals = share_totals(rows)
    assert total == 2_000 and len(rows) == 4  # tending and the planting not accepted are not there
    assert totals == {**row.parts, "share": 625}
    for township, share in ((mawang, 689), (longtan, 454)):
        assert share_totals(reports.records(session, "improved_share", YEAR, township_id=township)[0])["share"] == share
    unknown = [r for r in rows if r.unknown]
    assert [(r.value, r.plants, r.batch, r.improved) for r in unknown] == [(450, 450, None, 0)]


def test_the_dashboard_and_the_records_page_show_the_share_and_the_unknown_source(app, auth, world):
    with db_session(app) as session:
        the_year(session, world)
    auth.login("bureau")
    dashboard = auth.client.get(f"/reports/dashboard?year={YEAR}").get_data(as_text=True)
    assert "Improved-variety share of planting (by area)" in dashboard
    assert "62.5%" in dashboard and "68.9%" in dashboard and "45.4%" in dashboard
    assert "12.5 mu of 20 mu" in dashboard and "unknown source: 4.5 mu, 450 plants" in dashboard
    assert "/reports/records?metric=improved_share" in dashboard
    page = auth.client.get(f"/reports/records?metric=improved_share&year={YEAR}").get_data(as_text=True)
    assert "62.5%" in page and "12.5 mu of 20 mu" in page and "1,000 plants of 1,750 plants" in page
    assert "unknown source: 4.5 mu, 450 plants" in page and "国S-SC-CO-006-2008" in page
    assert page.count('class="unknown-source"') == 2  # the totals' figure and the one row
    csv = auth.client.get(f"/reports/records?metric=improved_share&year={YEAR}&format=csv").get_data(as_text=True)
    assert len(csv.strip().splitlines()) == 5  # header and the four plantings


@pytest.mark.usefixtures("english_services")
def test_the_printed_report_shows_the_share(session, world):
    the_year(session, world)
    data = printing.report_data(session, YEAR, 3, printed_by="test")
    share = next(cells for cells in data.targets if cells[0] == "Improved-variety share of planting (by area)")
    assert share[1:] == ["—", "62.5%", "62.5%", "—"]  # March alone, the year to date; no 2025 target
    assert any("12.5 mu of the 20 mu" in note and "4.5 mu (450 plants)" in note for note in data.notes)


def test_a_share_target_is_seeded_edited_as_a_percentage_and_capped(app, auth, world):
    with db_session(app) as session:
        assert reports.targets_of(session, 2024)["improved_share"] == 750
    auth.login("bureau")
    response = auth.post("/reports/targets?year=2026", {"improved_share": "75"})
    assert response.status_code == 303, response.get_data(as_text=True)
    with db_session(app) as session:
        assert reports.targets_of(session, 2026) == {"improved_share": 750}
    response = auth.post("/reports/targets?year=2026", {"improved_share": "120"})
    assert response.status_code == 422 and "A share cannot be more than 100%." in response.get_data(as_text=True)
    # a part of the ratio is no target of its own
    response = auth.post("/reports/targets?year=2026", {"planted_area": "5"})
    assert response.status_code == 422 and "Unknown metric planted_area" in response.get_data(as_text=True)


def test_the_share_target_reaches_progress_but_not_the_pace_warning(session, world):
    """A share is no pace: the warning skips it even with a season curve
    that names it, and still measures a plain target beside it."""
    from oilchain.brain.models import SeasonCurve
    from oilchain.brain.warnings.pace import target_behind

    the_year(session, world)
    for curve in ("improved_share", "planted_new"):
        if not session.exec(select(SeasonCurve).where(SeasonCurve.curve == curve)).first():
            session.add(SeasonCurve(curve=curve, month=12, day=1, cumulative_permille=1000))
    session.add(Target(year=YEAR, metric="improved_share", value=750))
    session.add(Target(year=YEAR, metric="planted_new", value=1_000_000))
    session.commit()
    row = share_row(reports.figures(session, YEAR))
    assert (row.target, row.percent) == (750, 83)  # 625 of 750
    findings = target_behind(session, date(YEAR, 12, 19), {"permille": 900})
    assert [f.subject_label for f in findings] == [f"{YEAR} planted_new"]
