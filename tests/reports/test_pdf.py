"""The printed output report (产出报表) and the monthly job that archives it,
read back with poppler's tools: Chinese target names, figures computed from
the test's own inputs, embedded fonts only, pages that rasterize."""

from datetime import date

from PIL import Image
from sqlmodel import func, select

from oilchain import jobs
from oilchain.harvest import services as harvest
from oilchain import ledger
from oilchain.nursery import services as nursery
from oilchain.planting import services as planting
from oilchain.processing import services as processing
from oilchain.reports import printing
from oilchain.reports import services as reports
from oilchain.reports.models import ReportArchive

from .. import chain
from ..chain import KG, db_session
from ..pdftools import fonts_of, info_of, mu, rasterize, row_cells, text_of, tonnes

# The zh_CN catalogue's translations (oilchain/translations/zh_Hans_CN) of the
# target names and report phrases these tests read.
SEEDLINGS = "良种苗木繁育量"  # Improved-variety seedlings raised
SEED = "茶籽加工量"  # Seed processed
NEW = "新造油茶林面积"  # New plantations
OIL = "茶油产量"  # Oil pressed
NO_ACTIVITY = "本期间没有任何业务记录。"  # No activity was recorded in this period.
TITLE = "酉阳油茶产业产出报表"  # Youyang camellia oil industry: output report

# The inputs, in base units. Seed goes into pressing in October (A), in
# November (B1) and in December (B2), so November's month, November's year
# to date and the year all differ.
SEED_A, OIL_A, CAKE_A, PRESSED_A = 1_234 * KG, 308 * KG, 800 * KG, date(2025, 10, 28)
SEED_B1, OIL_B1, CAKE_B1, PRESSED_B1 = 2_345 * KG, 586 * KG, 1_600 * KG, date(2025, 11, 15)
SEED_B2, OIL_B2, CAKE_B2, PRESSED_B2 = 555 * KG, 139 * KG, 370 * KG, date(2025, 12, 5)
GRADE1, GRADE2, GRADED_ON = 8_000, 3_456, date(2025, 11, 20)  # seedlings raised: grade I + II
PLANTED_CENTIMU, ACCEPTED_CENTIMU, PLANTED_ON = 1_234, 1_111, date(2025, 3, 1)
TARGETS = {"seed_processed": 10 * 1_000_000, "seedlings_raised": 100_000, "planted_new": 5_000}  # 10 t, plants, 50 mu


def received_seed(session, world, *, fruit, seed, husk, harvested, hulled, shipped, received):
    coop, processor = world.actors["coop"], world.actors["processor"]
    fruit_lot = harvest.log_harvest(session, actor=coop, plot_id=world.plots["mawang"].id, weight_g=fruit,
                                    harvested_on=harvested, pickers=8)
    seed_lot, _husk = harvest.dry_and_hull(session, actor=coop, inputs=[(fruit_lot, fruit)], seed_g=seed, husk_g=husk,
                                           occurred_on=hulled)
    ledger.ship_lot(session, actor=coop, code=seed_lot.code, to_org_id=processor.org_id, occurred_on=shipped)
    ledger.receive_lot(session, actor=processor, code=seed_lot.code, weighed=seed, occurred_on=received)
    return seed_lot


def build_year(session, world) -> list:
    """Seedlings graded in November, a new planting accepted in part, and
    three pressings (October, November, December)."""
    processor = world.actors["processor"]
    lot_a = received_seed(session, world, fruit=5_000 * KG, seed=1_250 * KG, husk=2_000 * KG, harvested=date(2025, 10, 5),
                          hulled=date(2025, 10, 10), shipped=date(2025, 10, 12), received=date(2025, 10, 13))
    processing.press(session, actor=processor, inputs=[(lot_a, SEED_A)], oil_g=OIL_A, cake_g=CAKE_A, occurred_on=PRESSED_A)
    lot_b = received_seed(session, world, fruit=12_000 * KG, seed=3_000 * KG, husk=4_800 * KG, harvested=date(2025, 10, 25),
                          hulled=date(2025, 11, 5), shipped=date(2025, 11, 8), received=date(2025, 11, 9))
    processing.press(session, actor=processor, inputs=[(lot_b, SEED_B1)], oil_g=OIL_B1, cake_g=CAKE_B1, occurred_on=PRESSED_B1)
    processing.press(session, actor=processor, inputs=[(lot_b, SEED_B2)], oil_g=OIL_B2, cake_g=CAKE_B2, occurred_on=PRESSED_B2)
    session.commit()

    batch = chain.registered_batch(session, world, quantity=12_000, on=date(2025, 3, 10))
    nursery.grade_batch(session, actor=world.actors["nursery"], code=batch.code, grade1=GRADE1, grade2=GRADE2, rejected=44,
                        graded_on=GRADED_ON)
    session.commit()

    old_batch = chain.seedling_batch(session, world, started=date(2023, 3, 10), on=date(2024, 11, 20))  # not this year's
    dispatched = chain.dispatch(session, world, batch=old_batch, quantity=1_300, on=date(2025, 2, 20))
    record = planting.record_planting(
        session, actor=world.actors["coop"], plot_id=world.plots["mawang"].id, kind="new", area_centimu=PLANTED_CENTIMU,
        variety_id=chain.variety_id(session), planted_on=PLANTED_ON, dispatch_code=dispatched.code, seedlings=1_234,
    )
    planting.record_survival(session, actor=world.actors["coop"], planting_id=record.id, checked_on=date(2025, 9, 15),
                             survival_permille=905)
    planting.accept_planting(session, actor=world.actors["bureau"], planting_id=record.id,
                             accepted_area_centimu=ACCEPTED_CENTIMU, accepted_on=date(2025, 10, 10))
    reports.set_targets(session, actor=world.actors["bureau"], year=2025, values=TARGETS)
    session.commit()
    return [lot_a, lot_b]


def percent(actual: int, target: int) -> str:
    return f"{actual * 100 // target}%"


def plants(n: int) -> str:
    return f"{n:,}株"


# --- the report, rendered directly ------------------------------------------------------


def test_a_month_report_names_the_targets_in_chinese_with_the_months_and_years_figures(session, world, tmp_path):
    build_year(session, world)
    reports.rollup_year(session, 2025, date(2025, 12, 19))
    session.commit()
    text = text_of(printing.render(session, 2025, 11, printed_by="局长 · 县林业局"), tmp_path)

    assert TITLE in text and "2025年11月" in text
    seedlings = GRADE1 + GRADE2
    november_seed, year_to_date_seed = SEED_B1, SEED_A + SEED_B1  # December's pressing is after the month
    # cells: target for the year, this month, year to date, progress
    assert row_cells(text, SEEDLINGS) == [
        plants(TARGETS["seedlings_raised"]), plants(seedlings), plants(seedlings), percent(seedlings, TARGETS["seedlings_raised"])]
    assert row_cells(text, SEED) == [
        tonnes(TARGETS["seed_processed"]) + "吨", tonnes(november_seed) + "吨", tonnes(year_to_date_seed) + "吨",
        percent(year_to_date_seed, TARGETS["seed_processed"])]
    # planted in March, accepted in part: the month has none, the year the accepted area
    assert row_cells(text, NEW) == [mu(TARGETS["planted_new"]) + "亩", "0亩", mu(ACCEPTED_CENTIMU) + "亩",
                                    percent(ACCEPTED_CENTIMU, TARGETS["planted_new"])]
    assert row_cells(text, OIL) == ["—", tonnes(OIL_B1) + "吨", tonnes(OIL_A + OIL_B1) + "吨", "—"]
    assert tonnes(year_to_date_seed) == "3.579"  # the formatting the report uses: tonnes to the kilogram
    assert NO_ACTIVITY not in text


def test_a_year_report_counts_the_whole_year_and_each_township(session, world, tmp_path):
    build_year(session, world)
    reports.rollup_year(session, 2025, date(2025, 12, 19))
    session.commit()
    text = text_of(printing.render(session, 2025, None, printed_by="局长 · 县林业局"), tmp_path)
    year_seed = SEED_A + SEED_B1 + SEED_B2
    assert row_cells(text, SEED) == [tonnes(TARGETS["seed_processed"]) + "吨", tonnes(year_seed) + "吨",
                                     percent(year_seed, TARGETS["seed_processed"])]
    assert row_cells(text, NEW) == [mu(TARGETS["planted_new"]) + "亩", mu(ACCEPTED_CENTIMU) + "亩",
                                    percent(ACCEPTED_CENTIMU, TARGETS["planted_new"])]
    # By township: the plot's township has the planting; the processor's and
    # nursery's (钟多街道) the seedlings and the pressing.
    mawang = row_cells(text, "麻旺镇")
    assert mu(ACCEPTED_CENTIMU) + "亩" in mawang and tonnes(year_seed) + "吨" not in mawang
    zhongduo = row_cells(text, "钟多街道")
    assert plants(GRADE1 + GRADE2) in zhongduo and tonnes(year_seed) + "吨" in zhongduo


def test_every_font_of_the_report_is_embedded(session, world, tmp_path):
    build_year(session, world)
    reports.rollup_year(session, 2025, date(2025, 12, 19))
    session.commit()
    pdf = printing.render(session, 2025, 11, printed_by="局长")
    fonts = fonts_of(pdf, tmp_path)
    assert fonts, "pdffonts lists no font"
    assert all(font["emb"] == "yes" for font in fonts), [f["line"] for f in fonts]
    assert not any("Helvetica" in font["line"] for font in fonts), [f["line"] for f in fonts]


def test_a_period_without_data_is_an_empty_report_that_says_so(session, world, tmp_path):
    pdf = printing.render(session, 2019, 5, printed_by="局长")
    info = info_of(pdf, tmp_path)
    assert int(info["Pages"]) >= 1
    text = text_of(pdf, tmp_path)
    assert NO_ACTIVITY in text and TITLE in text
    assert row_cells(text, SEED)[1:3] == ["0吨", "0吨"]
    assert all(font["emb"] == "yes" for font in fonts_of(pdf, tmp_path))


def test_a_month_without_activity_says_so_even_when_the_year_has_some(session, world, tmp_path):
    """June 2025 had no activity (the planting is in March, the pressings in
    the autumn): its report says so, though its year to date is not empty."""
    build_year(session, world)
    reports.rollup_year(session, 2025, date(2025, 12, 19))
    session.commit()
    text = text_of(printing.render(session, 2025, 6, printed_by="局长"), tmp_path)
    assert row_cells(text, NEW)[1] == "0亩"  # nothing in June itself
    assert NO_ACTIVITY in text


def test_the_report_rasterizes(session, world, tmp_path):
    build_year(session, world)
    reports.rollup_year(session, 2025, date(2025, 12, 19))
    session.commit()
    pdf = printing.render(session, 2025, 11, printed_by="局长")
    pages = int(info_of(pdf, tmp_path)["Pages"])
    images = rasterize(pdf, tmp_path, 60)
    assert len(images) == pages >= 1
    for image in images:
        assert image.stat().st_size > 0
        with Image.open(image) as png:
            # A4 at 60 dpi: 210 x 297 mm
            assert (png.format, abs(png.width - 496) <= 1, abs(png.height - 702) <= 1) == ("PNG", True, True)
            assert png.convert("L").getextrema()[0] < 128, "the page is blank"


# --- the monthly job -----------------------------------------------------------------------


def archived(session, year, month) -> list[ReportArchive]:
    return list(session.exec(select(ReportArchive).where(ReportArchive.year == year, ReportArchive.month == month)
                             .execution_options(populate_existing=True)))


def test_the_monthly_job_archives_last_months_report_once(session, world, tmp_path):
    build_year(session, world)
    job = jobs.JOBS["monthly_report"]
    first = jobs.execute(session, job, "2025-11")
    assert (first.status, first.period, first.trigger) == ("ok", "2025-11", "schedule"), first.message
    [entry] = archived(session, 2025, 11)
    text = text_of(entry.pdf, tmp_path)
    assert SEEDLINGS in text and SEED in text and NEW in text
    assert row_cells(text, SEED)[1:3] == [tonnes(SEED_B1) + "吨", tonnes(SEED_A + SEED_B1) + "吨"]
    assert row_cells(text, SEEDLINGS)[1:3] == [plants(GRADE1 + GRADE2)] * 2
    assert row_cells(text, NEW)[1:3] == ["0亩", mu(ACCEPTED_CENTIMU) + "亩"]
    assert "统计数据截至 2025年11月30日" in text  # rolled up to the month's end

    second = jobs.execute(session, job, "2025-11")
    assert second.status == "ok", second.message
    assert len(archived(session, 2025, 11)) == 1
    assert session.exec(select(func.count()).select_from(ReportArchive)).one() == 1
    again = text_of(archived(session, 2025, 11)[0].pdf, tmp_path, "again.pdf")
    assert row_cells(again, SEED) == row_cells(text, SEED)


# --- over HTTP -------------------------------------------------------------------------------


def test_a_manager_prints_the_report_and_a_cooperative_may_not(app, auth, world, tmp_path):
    with db_session(app) as session:
        build_year(session, world)
        reports.rollup_year(session, 2025, date(2025, 12, 19))
        session.commit()
    auth.login("bureau")
    response = auth.client.get("/reports/output.pdf?year=2025&month=11")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = text_of(response.data, tmp_path)
    assert SEED in text and row_cells(text, SEED)[1] == tonnes(SEED_B1) + "吨"
    assert auth.client.get("/reports/output.pdf?year=2025&month=13").status_code == 404

    auth.login("coop")
    assert auth.client.get("/reports/output.pdf?year=2025&month=11").status_code == 403
    assert auth.client.get("/reports/archive").status_code == 403


def test_the_archive_lists_and_serves_the_monthly_report(app, auth, world, tmp_path):
    with db_session(app) as session:
        build_year(session, world)
        assert jobs.execute(session, jobs.JOBS["monthly_report"], "2025-11").status == "ok"
        entry_id, stored = (lambda e: (e.id, e.pdf))(archived(session, 2025, 11)[0])
    auth.login("bureau")
    page = auth.client.get("/reports/archive")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "2025-11" in html and f'href="/reports/archive/{entry_id}.pdf"' in html
    download = auth.client.get(f"/reports/archive/{entry_id}.pdf")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.data == stored
    assert row_cells(text_of(download.data, tmp_path), SEED)[1] == tonnes(SEED_B1) + "吨"
    assert auth.client.get(f"/reports/archive/{entry_id + 1}.pdf").status_code == 404
