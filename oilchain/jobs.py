"""Scheduled jobs, declared as data in one place (as Redash's
tasks/schedule.py does). Each job covers a period that follows from the
time it fires (the nightly roll-up at 01:30 covers yesterday), is safe to
run twice for the same period, and is recorded in `job_run`."""

import traceback
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Callable

from apscheduler.triggers.cron import CronTrigger
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from . import backup, clock, db
from .actors import SCHEDULER
from .brain import nightly
from .admin.models import JobRun
from .reports import printing, services as reports


@dataclass(frozen=True)
class Job:
    id: str
    cron: dict  # APScheduler cron fields, in the county's time zone
    period_of: Callable[[datetime], str]  # fire time -> the period it covers
    run: Callable[[Session, str], str]  # (session, period) -> a line for the record
    description: object  # a lazy translatable string

    def trigger(self) -> CronTrigger:
        return CronTrigger(timezone=clock.COUNTY_TZ, **self.cron)

    def last_due(self, now: datetime) -> datetime | None:
        """The latest time this job should have fired at or before `now`."""
        trigger, last, moment = self.trigger(), None, now - timedelta(days=40)
        fire = trigger.get_next_fire_time(None, moment)
        while fire is not None and fire <= now:
            last, fire = fire, trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
        return last


def _previous_day(fired: datetime) -> str:
    return (fired.astimezone(clock.COUNTY_TZ).date() - timedelta(days=1)).isoformat()


def _previous_month(fired: datetime) -> str:
    first = fired.astimezone(clock.COUNTY_TZ).date().replace(day=1)
    last_month = first - timedelta(days=1)
    return f"{last_month.year:04d}-{last_month.month:02d}"


def _same_day(fired: datetime) -> str:
    return fired.astimezone(clock.COUNTY_TZ).date().isoformat()


def run_backup(session: Session, period: str) -> str:
    """Back the database up into BACKUP_DIR, then keep only what the
    retention settings say (the session is not used: the backup opens its own)."""
    config = current_app.config
    _, made = backup.backup(config["DATABASE_URL"], config["BACKUP_DIR"] + "/", serial_key=config["SERIAL_KEY"])
    removed = backup.prune(config["BACKUP_DIR"], config["BACKUP_KEEP_DAILY"], config["BACKUP_KEEP_WEEKLY"])
    kept = len(backup.backups_in(config["BACKUP_DIR"]))
    return (f"{made.file}: {made.size:,} bytes, {sum(made.tables.values()):,} rows in {config['BACKUP_DIR']}; "
            f"{kept} backups kept, {len(removed)} removed")


def run_rollup(session: Session, period: str) -> str:
    rows = reports.nightly_rollup(session, date.fromisoformat(period))
    return f"{rows} daily rows through {period}"


def run_brain(session: Session, period: str) -> str:
    return nightly.run(session, date.fromisoformat(period))


def run_documents_cleanup(session: Session, period: str) -> str:
    from flask import current_app

    from .downloads.services import clean_up

    config = current_app.config
    removed = clean_up(session, config["DOCUMENTS_DIR"], config["DOCUMENTS_KEEP_DAYS"])
    return f"{removed} document(s) older than {config['DOCUMENTS_KEEP_DAYS']} days removed"


def run_monthly_report(session: Session, period: str) -> str:
    year, month = (int(part) for part in period.split("-"))
    entry = printing.archive_month(session, year, month, created_by=SCHEDULER)
    return f"report {period} archived ({len(entry.pdf):,} bytes)"


JOBS = {
    job.id: job
    for job in (
        Job(
            id="nightly_rollup",
            cron={"hour": 1, "minute": 30},
            period_of=_previous_day,
            run=run_rollup,
            description=_l("Every night at 01:30: yesterday's actuals per target and township (the whole year rebuilt)."),
        ),
        Job(
            id="nightly_brain",
            cron={"hour": 1, "minute": 45},
            period_of=_previous_day,
            run=run_brain,
            description=_l("Every night at 01:45: the brain's harvest forecast as of yesterday, its five-year outlook, "
                           "and the backtest of the last finished season."),
        ),
        Job(
            id="monthly_report",
            cron={"day": 1, "hour": 2, "minute": 0},
            period_of=_previous_month,
            run=run_monthly_report,
            description=_l("On the 1st of each month at 02:00: last month's output report PDF into the archive."),
        ),
        Job(
            id="nightly_backup",
            cron={"hour": 3, "minute": 0},
            period_of=_same_day,
            run=run_backup,
            description=_l("Every night at 03:00: a backup of the database into the backup folder; "
                           "the last 7 daily and 4 weekly backups are kept (settings)."),
        ),
        Job(
            id="documents_cleanup",
            cron={"hour": 3, "minute": 15},
            period_of=_previous_day,
            run=run_documents_cleanup,
            description=_l("Every night at 03:15: documents made in the background are removed after their retention period."),
        ),
    )
}


def execute(session: Session, job: Job, period: str, trigger: str = "schedule") -> JobRun:
    """Run one job for one period and record how it went; a failure is
    recorded (with its traceback's last lines), never raised."""
    # The run's records are written in transactions opened to write (what
    # was read before, catch_up's look for a run or the job's own reads, is
    # closed first): on SQLite a transaction that read and then writes fails
    # at once beside another process's write, and the scheduler stopped on it
    # at start-up beside the worker.
    db.begin_writing(session)
    record = JobRun(job_id=job.id, period=period, trigger=trigger)
    session.add(record)
    session.commit()
    record_id = record.id
    try:
        message, status = job.run(session, period)[:2000], "ok"
    except Exception:  # a job's failure must be recorded, whatever it is
        session.rollback()
        message, status = traceback.format_exc()[-2000:], "failed"
    db.begin_writing(session)  # commits what the job left uncommitted, as the run's status did before
    record = session.get(JobRun, record_id)
    record.status, record.message, record.finished_at = status, message, clock.utcnow()
    session.commit()
    return record


def done(session: Session, job: Job, period: str) -> bool:
    return (
        session.exec(select(JobRun.id).where(JobRun.job_id == job.id, JobRun.period == period, JobRun.status == "ok")).first()
        is not None
    )


def catch_up(session: Session, now: datetime | None = None) -> list[JobRun]:
    """After a (re)start: run each job whose last due period has no successful run."""
    now = now or clock.now()
    runs = []
    for job in JOBS.values():
        due = job.last_due(now)
        if due is not None and not done(session, job, job.period_of(due)):
            runs.append(execute(session, job, job.period_of(due), trigger="catch-up"))
    return runs


def recent_runs(session: Session, job_id: str, limit: int = 10) -> list[JobRun]:
    return list(session.exec(select(JobRun).where(JobRun.job_id == job_id).order_by(JobRun.id.desc()).limit(limit)))
