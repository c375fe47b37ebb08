"""The scheduler process (`oilchain scheduler`, the Procfile's clock: line).
It never runs inside web workers. On start it beats (heartbeat.py), catches
up missed periods, then runs each job of jobs.JOBS on its cron schedule and
beats every minute (an interval job, not recorded in job_run)."""

import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from . import clock, db, heartbeat, jobs

log = logging.getLogger("oilchain.scheduler")
HEARTBEAT_JOB = "heartbeat"


def fire(app, job_id: str) -> None:
    job = jobs.JOBS[job_id]
    with app.app_context():
        record = jobs.execute(db.session(), job, job.period_of(clock.now()))
        log.info("%s %s: %s %s", job.id, record.period, record.status, record.message.splitlines()[-1:] if record.message else "")


def beat(app, started_at) -> None:
    """The clock's heartbeat (at start and every minute)."""
    with app.app_context():
        heartbeat.beat_now(db.engine(), "clock", started_at)


def build(app) -> BlockingScheduler:
    """Beat, catch up, and schedule the jobs and the heartbeat (run() starts it)."""
    started_at = clock.utcnow()
    beat(app, started_at)
    with app.app_context():
        for record in jobs.catch_up(db.session()):
            log.info("caught up %s %s: %s", record.job_id, record.period, record.status)
    scheduler = BlockingScheduler(timezone=clock.COUNTY_TZ)
    for job in jobs.JOBS.values():
        # coalesce + a day's grace: a short outage runs a missed job once on return.
        scheduler.add_job(fire, job.trigger(), args=[app, job.id], id=job.id, name=job.id, coalesce=True, misfire_grace_time=86400)
        log.info("scheduled %s: %s", job.id, job.description)
    # Its own thread of the pool: it beats while a long nightly job runs.
    scheduler.add_job(beat, IntervalTrigger(seconds=heartbeat.EVERY.total_seconds(), timezone=clock.COUNTY_TZ),
                      args=[app, started_at], id=HEARTBEAT_JOB, name=HEARTBEAT_JOB, coalesce=True, max_instances=1, misfire_grace_time=60)
    return scheduler


def run(app) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    build(app).start()
