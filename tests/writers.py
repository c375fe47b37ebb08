"""Threads that write the ledger while something else runs (a backup):
each logs 1 kg harvests through the service in its own session and
transaction, as requests would, until stopped. Used by tests/test_backup.py
and bench/backup_under_load.py."""

import threading
import time

from sqlmodel import Session

from oilchain import db
from oilchain.harvest import services as harvest

from .chain import HARVESTED_ON, KG


class HarvestWriters:
    """`committed` holds each lot's code once its commit has returned. A
    failed write is kept in `errors`; the thread then stops (the tests fail
    on any) or, with keep_going, waits a moment and goes on (the bench
    counts them)."""

    def __init__(self, app, url, world, count: int, keep_going: bool = False):
        self.app, self.world, self.keep_going, self.stop = app, world, keep_going, threading.Event()
        self.engine = db.make_engine(url, pool_size=count + 2)
        self.committed, self.errors, self.lock = [], [], threading.Lock()
        self.threads = [threading.Thread(target=self.write, args=(i,), daemon=True) for i in range(count)]

    def write(self, i: int) -> None:
        coop, plot = ("coop", "mawang") if i % 2 == 0 else ("coop2", "longtan")
        with self.app.app_context():
            while not self.stop.is_set():
                with Session(self.engine, expire_on_commit=False) as session:
                    try:
                        lot = db.transaction(session, lambda: harvest.log_harvest(
                            session, actor=self.world.actors[coop], plot_id=self.world.plots[plot].id,
                            weight_g=1 * KG, harvested_on=HARVESTED_ON, pickers=2))
                    except Exception as error:  # noqa: BLE001 -- kept for the caller to judge
                        self.errors.append(repr(error))
                        if not self.keep_going:
                            return
                        time.sleep(0.05)
                        continue
                with self.lock:
                    self.committed.append(lot.code)

    def so_far(self) -> set[str]:
        with self.lock:
            return set(self.committed)

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)
        self.engine.dispose()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *_):
        self.finish()
