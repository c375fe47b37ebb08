"""Scheduled jobs declared as data (oilchain/jobs.py), run by a scheduler
process of its own: each job covers the period its fire time implies, is
safe to run twice, records every run (failures too), and is caught up after
a restart. Web workers never start the scheduler."""

import subprocess
import sys
import threading
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from flask_babel import force_locale
from markupsafe import escape
from sqlmodel import func, select

from oilchain import create_app, jobs, scheduler
from oilchain.admin.models import JobRun
from oilchain.clock import COUNTY_TZ
from oilchain.harvest import services as harvest
from oilchain import ledger
from oilchain.processing import services as processing
from oilchain.reports import services as reports
from oilchain.reports.models import DailyActual, ReportArchive

from .chain import KG, db_session, nothing_written

ROOT = Path(__file__).resolve().parent.parent
NIGHTLY, MONTHLY = jobs.JOBS["nightly_rollup"], jobs.JOBS["monthly_report"]
SEED_NOV, SEED_DEC = 800 * KG, 400 * KG


def county(*args) -> datetime:
    return datetime(*args, tzinfo=COUNTY_TZ)


pytestmark = pytest.mark.usefixtures("english")


def pressings(session, world):
    """Seed pressed on 25 November and on 10 December by the processor."""
    coop, processor = world.actors["coop"], world.actors["processor"]
    fruit = harvest.log_harvest(session, actor=coop, plot_id=world.plots["mawang"].id, weight_g=6_000 * KG,
                                harvested_on=date(2025, 10, 20), pickers=6)
    seed, _husk = harvest.dry_and_hull(session, actor=coop, inputs=[(fruit, 6_000 * KG)], seed_g=1_500 * KG,
                                       husk_g=2_400 * KG, occurred_on=date(2025, 11, 1))
    ledger.ship_lot(session, actor=coop, code=seed.code, to_org_id=processor.org_id, occurred_on=date(2025, 11, 2))
    ledger.receive_lot(session, actor=processor, code=seed.code, weighed=1_500 * KG, occurred_on=date(2025, 11, 3))
    processing.press(session, actor=processor, inputs=[(seed, SEED_NOV)], oil_g=200 * KG, cake_g=550 * KG,
                     occurred_on=date(2025, 11, 25))
    processing.press(session, actor=processor, inputs=[(seed, SEED_DEC)], oil_g=100 * KG, cake_g=275 * KG,
                     occurred_on=date(2025, 12, 10))
    session.commit()


def daily_rows(session) -> set:
    """The full roll-up (every column but the surrogate id)."""
    return {(r.day, r.metric, r.township_id, r.value)
            for r in session.exec(select(DailyActual).execution_options(populate_existing=True))}


def runs(session, **where) -> list[JobRun]:
    query = select(JobRun).order_by(JobRun.id).execution_options(populate_existing=True)
    for name, value in where.items():
        query = query.where(getattr(JobRun, name) == value)
    return list(session.exec(query))


# --- running a job --------------------------------------------------------------------------


def test_the_nightly_roll_up_run_twice_for_a_day_gives_the_same_rows(session, world):
    pressings(session, world)
    first = jobs.execute(session, NIGHTLY, "2025-12-19")
    rows = daily_rows(session)
    second = jobs.execute(session, NIGHTLY, "2025-12-19")
    assert daily_rows(session) == rows
    township = world.orgs["processor"].township_id
    assert {(date(2025, 11, 25), "seed_processed", township, SEED_NOV),
            (date(2025, 12, 10), "seed_processed", township, SEED_DEC)} <= rows
    assert [(r.job_id, r.period, r.status) for r in runs(session)] == [("nightly_rollup", "2025-12-19", "ok")] * 2
    assert first.id != second.id and all(r.finished_at is not None for r in runs(session))


def test_the_nightly_roll_up_covers_the_year_through_its_day_only(session, world):
    pressings(session, world)
    jobs.execute(session, NIGHTLY, "2025-12-09")
    assert {row[0] for row in daily_rows(session) if row[1] == "seed_processed"} == {date(2025, 11, 25)}
    assert reports.rollup_state(session, 2025).through_day == date(2025, 12, 9)


def test_a_report_of_a_past_month_says_its_figures_run_to_the_month_end(session, world):
    """The roll-up runs on past the month; the month's report is through its last day."""
    pressings(session, world)
    jobs.execute(session, NIGHTLY, "2025-12-09")
    assert reports.figures(session, 2025, 11).through == date(2025, 11, 30)
    assert reports.figures(session, 2025, 12).through == date(2025, 12, 9)
    assert reports.figures(session, 2025).through == date(2025, 12, 9)


def test_the_nightly_job_in_january_also_closes_the_previous_year(session, world):
    pressings(session, world)
    jobs.execute(session, NIGHTLY, "2025-12-09")  # the year's roll-up stopped before the December pressing
    assert jobs.execute(session, NIGHTLY, "2026-01-05").status == "ok"
    assert reports.rollup_state(session, 2025).through_day == date(2025, 12, 31)
    assert reports.rollup_state(session, 2026).through_day == date(2026, 1, 5)
    seed = next(r for r in reports.figures(session, 2025).rows if r.metric == "seed_processed")
    assert seed.actual == SEED_NOV + SEED_DEC


def test_a_failing_job_is_recorded_with_its_traceback_and_does_not_raise(session, world):
    failed = jobs.execute(session, MONTHLY, "2025-13")
    assert failed.status == "failed" and failed.finished_at is not None
    assert "ValueError" in failed.message and "month must be in 1..12" in failed.message
    assert 'File "' in failed.message  # the traceback's frames, not only the error line
    assert session.exec(select(func.count()).select_from(ReportArchive)).one() == 0
    bad_day = jobs.execute(session, NIGHTLY, "2025-02-30")
    assert bad_day.status == "failed" and "ValueError" in bad_day.message
    # the session is still good for the next job
    assert jobs.execute(session, NIGHTLY, "2025-12-19").status == "ok"
    assert [r.status for r in runs(session)] == ["failed", "failed", "ok"]


def test_the_scheduler_fires_a_job_for_the_period_its_time_implies(app, world):
    """scheduler.fire is what APScheduler calls: the frozen clock says
    2025-12-20, so the nightly job covers the 19th and the monthly November."""
    scheduler.fire(app, "nightly_rollup")
    scheduler.fire(app, "monthly_report")
    with db_session(app) as session:
        assert [(r.job_id, r.period, r.status, r.trigger) for r in runs(session)] == [
            ("nightly_rollup", "2025-12-19", "ok", "schedule"), ("monthly_report", "2025-11", "ok", "schedule")]
        assert session.exec(select(ReportArchive.year, ReportArchive.month)).all() == [(2025, 11)]


# --- when a job is due --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "now, due, period",
    [
        (county(2025, 12, 20, 9, 0), county(2025, 12, 20, 1, 30), "2025-12-19"),
        (county(2025, 12, 20, 1, 30), county(2025, 12, 20, 1, 30), "2025-12-19"),  # at the fire time itself
        (county(2025, 12, 20, 1, 29), county(2025, 12, 19, 1, 30), "2025-12-18"),
        (county(2025, 12, 20, 0, 0), county(2025, 12, 19, 1, 30), "2025-12-18"),  # midnight
        (county(2025, 12, 19, 23, 59), county(2025, 12, 19, 1, 30), "2025-12-18"),
        (county(2026, 1, 1, 0, 30), county(2025, 12, 31, 1, 30), "2025-12-30"),  # new year's night
        (county(2026, 1, 1, 2, 0), county(2026, 1, 1, 1, 30), "2025-12-31"),
        (county(2025, 3, 1, 1, 45), county(2025, 3, 1, 1, 30), "2025-02-28"),
        # 2025-12-19 17:30 UTC is already 01:30 on the 20th in the county
        (datetime(2025, 12, 19, 17, 30, tzinfo=timezone.utc), county(2025, 12, 20, 1, 30), "2025-12-19"),
    ],
)
def test_the_nightly_jobs_last_due_time(now, due, period):
    assert NIGHTLY.last_due(now) == due
    assert NIGHTLY.period_of(NIGHTLY.last_due(now)) == period


@pytest.mark.parametrize(
    "now, due, period",
    [
        (county(2025, 12, 20, 9, 0), county(2025, 12, 1, 2, 0), "2025-11"),
        (county(2025, 12, 1, 2, 0), county(2025, 12, 1, 2, 0), "2025-11"),
        (county(2025, 12, 1, 1, 59), county(2025, 11, 1, 2, 0), "2025-10"),
        (county(2025, 11, 30, 23, 59), county(2025, 11, 1, 2, 0), "2025-10"),  # a month's last minute
        (county(2026, 1, 1, 2, 0), county(2026, 1, 1, 2, 0), "2025-12"),  # the year turns
        (county(2025, 3, 1, 3, 0), county(2025, 3, 1, 2, 0), "2025-02"),
        (county(2025, 3, 1, 0, 0), county(2025, 2, 1, 2, 0), "2025-01"),
        # 18:00 UTC on 30 November is 02:00 on 1 December in the county
        (datetime(2025, 11, 30, 18, 0, tzinfo=timezone.utc), county(2025, 12, 1, 2, 0), "2025-11"),
    ],
)
def test_the_monthly_jobs_last_due_time(now, due, period):
    assert MONTHLY.last_due(now) == due
    assert MONTHLY.period_of(MONTHLY.last_due(now)) == period


# --- catching up after a restart -------------------------------------------------------------------


def test_catch_up_runs_each_job_for_its_last_due_period_once(session, world):
    pressings(session, world)
    caught = jobs.catch_up(session, county(2025, 12, 20, 9, 0))
    assert sorted((r.job_id, r.period, r.trigger, r.status) for r in caught) == [
        ("documents_cleanup", "2025-12-19", "catch-up", "ok"),
        ("monthly_report", "2025-11", "catch-up", "ok"), ("nightly_backup", "2025-12-20", "catch-up", "ok"),
        ("nightly_brain", "2025-12-19", "catch-up", "ok"), ("nightly_rollup", "2025-12-19", "catch-up", "ok")]
    assert session.exec(select(ReportArchive.year, ReportArchive.month)).all() == [(2025, 11)]
    assert jobs.catch_up(session, county(2025, 12, 20, 9, 5)) == []
    assert len(runs(session)) == 5
    # a day later only the nightly jobs are due again
    later = jobs.catch_up(session, county(2025, 12, 21, 9, 0))
    assert sorted((r.job_id, r.period) for r in later) == [("documents_cleanup", "2025-12-20"), ("nightly_backup", "2025-12-21"),
                                                           ("nightly_brain", "2025-12-20"), ("nightly_rollup", "2025-12-20")]


def test_a_failed_run_does_not_count_as_done(session, world):
    session.add(JobRun(job_id="nightly_rollup", period="2025-12-19", status="failed", message="disk full",
                       trigger="schedule"))
    session.add(JobRun(job_id="monthly_report", period="2025-11", status="ok", message="archived", trigger="schedule"))
    session.add(JobRun(job_id="nightly_backup", period="2025-12-20", status="ok", message="backed up", trigger="schedule"))
    session.add(JobRun(job_id="documents_cleanup", period="2025-12-19", status="ok", message="0 removed", trigger="schedule"))
    session.add(JobRun(job_id="nightly_brain", period="2025-12-19", status="ok", message="forecast", trigger="schedule"))
    session.commit()
    caught = jobs.catch_up(session, county(2025, 12, 20, 9, 0))
    assert [(r.job_id, r.period, r.status) for r in caught] == [("nightly_rollup", "2025-12-19", "ok")]


def test_catching_up_leaves_the_dashboard_figures_through_yesterday(session, world):
    """After a restart the nightly roll-up runs through the 19th; archiving
    November's report must not roll the year's figures back to 30 November
    (the December pressing would vanish from the dashboard until next night)."""
    pressings(session, world)
    jobs.catch_up(session, county(2025, 12, 20, 9, 0))
    assert reports.rollup_state(session, 2025).through_day == date(2025, 12, 19)
    seed = next(r for r in reports.figures(session, 2025).rows if r.metric == "seed_processed")
    assert seed.actual == SEED_NOV + SEED_DEC


def test_running_the_monthly_job_by_hand_keeps_the_roll_up_through_yesterday(session, world):
    pressings(session, world)
    assert jobs.execute(session, NIGHTLY, "2025-12-19").status == "ok"
    rows = daily_rows(session)
    assert jobs.execute(session, MONTHLY, "2025-11", trigger="manual").status == "ok"
    assert daily_rows(session) == rows


# --- the command line ------------------------------------------------------------------------------------


def test_jobs_list_and_run_on_the_command_line(app, runner, world):
    listed = runner.invoke(args=["jobs", "list"])
    assert listed.exit_code == 0, listed.output
    assert "nightly_rollup" in listed.output and "monthly_report" in listed.output
    assert listed.output.count("never run") == len(jobs.JOBS)

    ran = runner.invoke(args=["jobs", "run", "nightly_rollup", "--period", "2025-12-19"])
    assert ran.exit_code == 0, ran.output
    assert "nightly_rollup 2025-12-19: ok" in ran.output
    with db_session(app) as session:
        assert [(r.period, r.status, r.trigger) for r in runs(session, job_id="nightly_rollup")] == [("2025-12-19", "ok", "manual")]
        assert reports.rollup_state(session, 2025).through_day == date(2025, 12, 19)
    listed = runner.invoke(args=["jobs", "list"])
    assert "last: 2025-12-19 ok" in listed.output and listed.output.count("never run") == len(jobs.JOBS) - 1


def test_jobs_run_fails_clearly(app, runner, world):
    unknown = runner.invoke(args=["jobs", "run", "nosuchjob"])
    assert unknown.exit_code != 0
    assert "No job 'nosuchjob'" in unknown.output and "nightly_rollup" in unknown.output
    failing = runner.invoke(args=["jobs", "run", "monthly_report", "--period", "2025-13"])
    assert failing.exit_code != 0
    assert "monthly_report 2025-13: failed" in failing.output
    with db_session(app) as session:
        assert [r.job_id for r in runs(session)] == ["monthly_report"]


# --- the admin page ------------------------------------------------------------------------------------


def test_the_admin_jobs_page_lists_jobs_descriptions_and_runs_with_failures(app, auth, world):
    with db_session(app) as session:
        jobs.execute(session, NIGHTLY, "2025-12-18")
        jobs.execute(session, MONTHLY, "2025-13")
        with force_locale("en"):
            descriptions = {job.id: str(job.description) for job in jobs.JOBS.values()}
    auth.login("admin")
    response = auth.client.get("/admin/jobs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for job_id, description in descriptions.items():
        assert f"<code>{job_id}</code>" in html
        assert description in html or str(escape(description)) in html, description
    assert "2025-12-18" in html and "succeeded" in html
    assert 'class="failed"' in html and "2025-13" in html and "month must be in 1..12" in html


def test_an_admin_runs_a_job_now(app, auth, world):
    auth.login("admin")
    response = auth.post("/admin/jobs/nightly_rollup/run")
    assert response.status_code == 303 and response.headers["Location"].endswith("/admin/jobs")
    with db_session(app) as session:
        assert [(r.job_id, r.period, r.status, r.trigger) for r in runs(session)] == [
            ("nightly_rollup", "2025-12-19", "ok", "manual")]  # the clock says 2025-12-20
    assert "run by hand" in auth.client.get("/admin/jobs").get_data(as_text=True)
    with nothing_written(app):
        assert auth.post("/admin/jobs/nosuchjob/run").status_code == 404


def test_a_manager_may_not_see_or_run_jobs(app, auth, world):
    auth.login("bureau")
    assert auth.client.get("/admin/jobs").status_code == 403
    with nothing_written(app):
        assert auth.post("/admin/jobs/nightly_rollup/run").status_code == 403


# --- the scheduler is its own process -------------------------------------------------------------------


def test_the_procfile_runs_the_scheduler_as_its_own_process(runner):
    lines = [line.strip() for line in (ROOT / "Procfile").read_text().splitlines()]
    assert "clock: oilchain scheduler" in lines
    assert not any("scheduler" in line for line in lines if line.startswith("web:"))
    helped = runner.invoke(args=["scheduler", "--help"])  # the command exists (and --help does not start it)
    assert helped.exit_code == 0 and "scheduler" in helped.output.lower()


def test_creating_the_app_and_serving_requests_starts_no_scheduler(database_url):
    before = {thread.ident for thread in threading.enumerate()}
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SERIAL_KEY": "k", "PUBLIC_BASE_URL": "https://x.cn"})
    assert app.test_client().get("/login").status_code == 200
    started = [thread.name for thread in threading.enumerate() if thread.ident not in before]
    assert not [name for name in started if "apscheduler" in name.lower()], started
    app.extensions["oilchain.engine"].dispose()


def test_a_fresh_web_process_never_loads_the_scheduler(database_url):
    """In a process of its own (nothing else imported first): the app factory
    and a request leave oilchain.scheduler and APScheduler's schedulers unloaded
    and no thread besides the main one."""
    program = f"""
import sys, threading
from oilchain import create_app
app = create_app({{"TESTING": True, "DATABASE_URL": {database_url!r}, "SERIAL_KEY": "k", "PUBLIC_BASE_URL": "https://x.cn"}})
assert app.test_client().get("/login").status_code == 200
print(sorted(m for m in sys.modules if m == "oilchain.scheduler" or m.startswith("apscheduler.schedulers")))
print(sorted(t.name for t in threading.enumerate()))
"""
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    modules, threads = done.stdout.splitlines()[-2:]
    assert modules == "[]", modules
    assert threads == "['MainThread']", threads


def test_a_run_is_recorded_when_another_process_wrote_since_the_session_read(session, world, database_url):
    """The scheduler's catch-up reads (is the period done?), the worker or a
    web request commits, then the run is recorded: on SQLite a transaction
    that read before that commit cannot write ("database is locked" at once),
    so the record is written in a transaction opened to write."""
    from sqlalchemy import create_engine, text

    assert not jobs.done(session, NIGHTLY, "2025-12-19")  # the session now holds a read
    other = create_engine(database_url)
    with other.begin() as connection:  # another process's write, committed
        connection.execute(text("INSERT INTO job_run (job_id, period, started_at, status, message, \"trigger\") "
                                "VALUES ('other', '2025-12-18', CURRENT_TIMESTAMP, 'ok', '', 'schedule')"))
    other.dispose()
    assert jobs.execute(session, NIGHTLY, "2025-12-19").status == "ok"
