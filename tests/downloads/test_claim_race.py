"""A document job is made once: workers racing to claim the same job (a job
queued twice, two worker processes) meet a guarded UPDATE (queued ->
running), and exactly one of them wins, on either backend."""

import threading

from oilchain.downloads import running, services

from ..chain import db_session
from ..races import THREADS
from .conftest import all_jobs


def test_of_many_workers_claiming_one_job_exactly_one_makes_it(app, bottled, world):
    code, first, _last = bottled
    with db_session(app) as session:
        job = services.request_job(session, actor=world.actors["processor"], kind="labels_pdf",
                                   params={"code": code, "first": first, "last": first + 9}, locale="en")
        session.commit()
        job_id = job.id
    barrier, claimed, errors, lock = threading.Barrier(THREADS), [], [], threading.Lock()

    def claim():
        with app.app_context():
            try:
                barrier.wait(timeout=60)
                won = running.claim(job_id)
            except Exception as error:  # noqa: BLE001 -- what a worker would die of
                won = None
                with lock:
                    errors.append(repr(error))
            with lock:
                claimed.append(won)

    workers = [threading.Thread(target=claim) for _ in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert errors == []
    assert claimed.count(True) == 1 and claimed.count(False) == THREADS - 1
    [job] = all_jobs(app)
    assert job.status == "running"
