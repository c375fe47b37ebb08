"""The scheduler process (`oilchain scheduler`, the Procfile's clock: line).
It never runs inside web workers. On start it catches up missed periods,
then runs each job of jobs.JOBS on its cron schedule."""

import logging

from apscheduler.schedulers.blocking import BlockingScheduler

from . import clock, db, jobs

log = logging.getLogger("oilchain.scheduler")


def fire(app, job_id: str) -> None:
    job = jobs.JOBS[job_id]
    with app.app_context():
        record = jobs.execute(db.session(), job, job.period_of(clock.now()))
        log.info("%s %s: %s %s", job.id, record.period, record.status, record.message.splitlines()[-1:] if record.message else "")


def run(app) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    with app.app_context():
        for record in jobs.catch_up(db.session()):
            log.info("caught up %s %s: %s", record.job_id, record.period, record.status)
    scheduler = BlockingScheduler(timezone=clock.COUNTY_TZ)
    for job in jobs.JOBS.values():
        # coalesce + a day's grace: a short outage runs a missed job once on return.
        scheduler.add_job(fire, job.trigger(), args=[app, job.id], id=job.id, coalesce=True, misfire_grace_time=86400)
        log.info("scheduled %s: %s", job.id, job.description)
    scheduler.start()
