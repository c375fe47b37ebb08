"""Heartbeats of the scheduler ("clock") and the document worker ("worker"):
each beat upserts the process's one row (racing beats too, on both
backends); /admin/jobs shows each process's last beat and each job's next
run, and warns when a process never beat or has been silent for more than a
day, as the bureau's dashboard does; `oilchain scheduler` and `oilchain
worker` beat when they start, and the scheduler every minute."""

import os
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from oilchain import clock, db, heartbeat, jobs, scheduler
from oilchain.admin.models import Heartbeat
from oilchain.clock import COUNTY_TZ

from . import races
from .chain import TODAY, db_session
from .http import page

pytestmark = pytest.mark.usefixtures("english")
STARTED = datetime(2025, 12, 19, 8, 0, tzinfo=timezone.utc)


def rows(app) -> list[Heartbeat]:
    with db_session(app) as session:
        return list(session.exec(select(Heartbeat).order_by(Heartbeat.name).execution_options(populate_existing=True)))


def beat_at(app, name: str, moment: datetime) -> None:
    with clock.frozen(moment), app.app_context():
        assert heartbeat.beat_now(db.engine(), name, STARTED)


def test_a_beat_writes_over_the_one_row_of_its_process(app):
    beat_at(app, "clock", TODAY - timedelta(minutes=2))
    beat_at(app, "clock", TODAY)
    found = rows(app)
    assert [(r.name, clock.to_county(r.beat_at).replace(tzinfo=None), r.pid) for r in found] == [("clock", TODAY, os.getpid())]
    assert clock.to_county(found[0].started_at) == STARTED and found[0].host
    beat_at(app, "worker", TODAY)
    assert [r.name for r in rows(app)] == ["clock", "worker"]
    with pytest.raises(ValueError):
        with db_session(app) as session:
            heartbeat.beat(session, "nobody", STARTED)


@pytest.fixture
def engine(database_url):
    engine = races.race_engine(database_url, races.THREADS)
    yield engine
    engine.dispose()


def test_racing_beats_leave_one_row_per_process(app, engine):
    """24 beats at once, half of the clock, half of the worker (two
    schedulers started by mistake, say): no error, one row each."""

    def work(session, i):
        heartbeat.beat(session, ("clock", "worker")[i % 2], STARTED)
        return i

    outcome = races.race(app, engine, work)
    assert outcome.errors == [] and len(outcome.won) == races.THREADS, outcome.summary()
    assert [r.name for r in rows(app)] == ["clock", "worker"]


# --- what the pages say ---------------------------------------------------------------------------


def test_the_jobs_page_shows_each_jobs_next_run_in_county_time(app, auth, world):
    auth.login("admin")
    html = page(auth.client.get("/admin/jobs"))
    # The clock says 2025-12-20 10:00 in the county.
    assert "Next run: Dec 21, 2025 01:30" in html  # nightly_rollup
    assert "Next run: Jan 1, 2026 02:00" in html  # monthly_report
    assert html.count("Next run: ") == len(jobs.JOBS)
    for job in jobs.JOBS.values():
        expected = job.trigger().get_next_fire_time(None, clock.now())
        assert expected.tzinfo is not None and expected > clock.now()


def test_the_jobs_page_warns_of_a_clock_that_never_beat(app, auth, world):
    auth.login("admin")
    html = page(auth.client.get("/admin/jobs"))
    assert "A background process is not running" in html
    assert "it has never reported (no heartbeat recorded)." in html
    # documents are made in the requests here (DOCUMENTS_INLINE): no worker is expected
    assert "Not used here: documents are made inside the web requests." in html
    assert html.count("it has never reported") == 1


def test_the_jobs_page_shows_the_last_beats_and_warns_of_one_silent_for_more_than_a_day(app, auth, world):
    beat_at(app, "clock", TODAY - timedelta(days=1, minutes=1))
    beat_at(app, "worker", TODAY - timedelta(minutes=1))
    app.config["DOCUMENTS_INLINE"] = False  # an installation with a worker
    auth.login("admin")
    html = page(auth.client.get("/admin/jobs"))
    assert "A background process is not running" in html
    assert "silent since Dec 19, 2025 09:59 (more than a day)." in html
    assert "Dec 20, 2025 09:59" in html and "Dec 19, 2025 16:00" in html  # the worker's beat; started (08:00 UTC)
    assert html.count("silent since") == 1  # the worker beat a minute ago
    assert "The scheduled jobs (the nightly figures, backups, monthly reports) wait until it runs again." in html
    beat_at(app, "clock", TODAY - timedelta(hours=23))
    assert "A background process is not running" not in page(auth.client.get("/admin/jobs"))


def test_the_bureau_dashboard_carries_the_same_warning(app, auth, world):
    auth.login("bureau")
    html = page(auth.client.get("/reports/dashboard"))
    assert "A background process is not running" in html and "Tell the system administrator." in html
    assert "/admin/jobs" not in html  # not a page a manager may open
    beat_at(app, "clock", TODAY)
    assert "A background process is not running" not in page(auth.client.get("/reports/dashboard"))


# --- the processes beat -----------------------------------------------------------------------------


def test_the_scheduler_beats_at_start_and_schedules_a_beat_every_minute(app, world):
    built = scheduler.build(app)  # what `oilchain scheduler` starts (jobs caught up, nothing started)
    [clock_row] = rows(app)
    assert clock_row.name == "clock" and clock.to_county(clock_row.beat_at) == TODAY.replace(tzinfo=COUNTY_TZ)
    job = built.get_job(scheduler.HEARTBEAT_JOB)
    assert job.trigger.interval == timedelta(minutes=1)
    later = TODAY + timedelta(minutes=1)
    with clock.frozen(later):
        job.func(*job.args)  # what APScheduler calls each minute
    [clock_row] = rows(app)
    assert clock.to_county(clock_row.beat_at) == later.replace(tzinfo=COUNTY_TZ)
    assert clock_row.started_at == rows(app)[0].started_at
    assert set(j.id for j in built.get_jobs()) == set(jobs.JOBS) | {scheduler.HEARTBEAT_JOB}


def command(name: str, database_url: str, tmp_path, *args):
    env = dict(os.environ, OILCHAIN_DATABASE_URL=database_url, OILCHAIN_DOCUMENTS_DIR=str(tmp_path / "documents"),
               OILCHAIN_BACKUP_DIR=str(tmp_path / "backups"), OILCHAIN_SERIAL_KEY="test-serial-key",
               OILCHAIN_PUBLIC_BASE_URL="https://trace.example.cn")
    env.pop("OILCHAIN_DOCUMENTS_INLINE", None)
    return subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "oilchain"), name, *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_for_beat(app, name: str, pid: int) -> Heartbeat | None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = [r for r in rows(app) if r.name == name and r.pid == pid]
        if found:
            return found[0]
        time.sleep(0.2)
    return None


@pytest.mark.parametrize("name, process, args", [("clock", "scheduler", ()), ("worker", "worker", ("--workers", "1"))])
def test_the_commands_beat_when_they_start(app, database_url, tmp_path, name, process, args):
    running = command(process, database_url, tmp_path, *args)
    try:
        found = wait_for_beat(app, name, running.pid)
    finally:
        running.terminate()
        output = running.communicate(timeout=60)[0]
    assert found is not None, output
    assert found.started_at <= found.beat_at
