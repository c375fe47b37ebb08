"""Heartbeats of the long-running processes: the scheduler ("clock") and the
document worker ("worker") each write over their one row in `heartbeat`
every minute and when they start, so /admin/jobs and the bureau's
dashboard can say when a process has gone silent.

A beat is one upsert (INSERT ... ON CONFLICT (name) DO UPDATE): two beats of
the same name at once (a second scheduler started by mistake, say) leave
one row, the later beat's."""

import logging
import os
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from . import clock, db
from .admin.models import Heartbeat

log = logging.getLogger("oilchain.heartbeat")

EVERY = timedelta(minutes=1)  # how often a process beats
SILENT_AFTER = timedelta(days=1)  # longer without a beat: the pages warn
PROCESSES = {
    "clock": _l("Scheduler (oilchain scheduler)"),
    "worker": _l("Document worker (oilchain worker)"),
}


def beat(session: Session, name: str, started_at: datetime) -> None:
    """Record that process `name` (started at `started_at`) is alive now."""
    if name not in PROCESSES:
        raise ValueError(f"no process {name!r}: one of {', '.join(PROCESSES)}")
    values = {"name": name, "beat_at": clock.utcnow(), "started_at": started_at, "host": socket.gethostname()[:100],
              "pid": os.getpid()}
    statement = db.insert_for(session, Heartbeat.__table__).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["name"],
        set_={key: statement.excluded[key] for key in ("beat_at", "started_at", "host", "pid")},
    )
    session.execute(statement)


def beat_now(engine, name: str, started_at: datetime) -> bool:
    """One beat in a session of its own, committed; a failure (the database
    away for a moment) is logged, never raised: the next beat tries again."""
    try:
        with Session(engine) as session:
            db.transaction(session, lambda: beat(session, name, started_at))
        return True
    except Exception:  # noqa: BLE001 -- a missed beat must not stop the process
        log.exception("heartbeat of %s failed", name)
        return False


def beat_in_background(engine, name: str, started_at: datetime, stop: threading.Event | None = None) -> threading.Thread:
    """Beat now, then every minute in a daemon thread until `stop` is set
    (or the process ends). The worker's beat: a thread of its own beats
    while the worker's threads are busy with a long document, as a task in
    the same queue would not."""
    stop = stop or threading.Event()
    beat_now(engine, name, started_at)

    def run() -> None:
        while not stop.wait(EVERY.total_seconds()):
            beat_now(engine, name, started_at)

    thread = threading.Thread(target=run, name=f"oilchain-heartbeat-{name}", daemon=True)
    thread.start()
    return thread


@dataclass(frozen=True)
class ProcessState:
    name: str
    label: object
    beat: Heartbeat | None

    @property
    def never(self) -> bool:
        return self.beat is None

    def silent(self, now: datetime) -> bool:
        return self.beat is None or now - clock.to_county(self.beat.beat_at) > SILENT_AFTER


def states(session: Session, names=None) -> list[ProcessState]:
    """Each process's last beat (None: it never beat), in PROCESSES order."""
    names = list(names or PROCESSES)
    found = {row.name: row for row in session.exec(select(Heartbeat).where(Heartbeat.name.in_(names)))}
    return [ProcessState(name, PROCESSES[name], found.get(name)) for name in names]


def expected(config) -> list[str]:
    """The processes this installation runs: no worker when documents are
    made inside the web requests (DOCUMENTS_INLINE)."""
    return [name for name in PROCESSES if not (name == "worker" and config.get("DOCUMENTS_INLINE"))]


def silent(session: Session, config, now: datetime | None = None) -> list[ProcessState]:
    """The expected processes that never beat or have been silent for more than a day."""
    now = now or clock.now()
    return [state for state in states(session, expected(config)) if state.silent(now)]
