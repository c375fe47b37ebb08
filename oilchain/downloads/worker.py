"""`oilchain worker`: huey's consumer for the document queue, in its own
process (the Procfile's worker: line; scripts/start starts one)."""

import logging

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlmodel import Session

from .. import clock, db, heartbeat
from .queue import enqueue
from .services import queued_ids, requeue_abandoned


@click.command("worker", help="Make the long documents asked for on the pages (its own process: the Procfile's worker: line).")
@click.option("--workers", type=click.IntRange(1, 16), default=2, show_default=True, help="jobs made at once (threads)")
@with_appcontext
def worker_command(workers: int):
    app = current_app._get_current_object()
    if app.config["DOCUMENTS_INLINE"]:
        raise click.UsageError("OILCHAIN_DOCUMENTS_INLINE is set: documents are made inside the web requests, no worker runs.")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # Jobs recorded while no worker listened (or whose hand-over failed), and
    # jobs a killed worker left running, are queued again; a job is claimed
    # once, so one queued twice is made once.
    with Session(db.engine()) as session:
        abandoned = db.transaction(session, lambda: requeue_abandoned(session))
        waiting = queued_ids(session)
    for job_id in waiting:
        enqueue(app, job_id)
    click.echo(f"oilchain worker: {workers} thread(s), {len(waiting)} waiting job(s) queued again "
               f"({abandoned} left running by a worker that stopped)")
    # The worker's heartbeat: a daemon thread of its own (not a task in the
    # queue, which would wait behind long documents), beating until the process ends.
    heartbeat.beat_in_background(db.engine(), "worker", clock.utcnow())
    queue = app.extensions["oilchain.queue"]
    # A short wait between polls when idle (huey's default grows to 10 s): a job starts within a second.
    queue.create_consumer(workers=workers, worker_type="thread", periodic=False, initial_delay=0.1, backoff=1.15,
                          max_delay=1.0).run()
