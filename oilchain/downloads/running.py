"""What a worker does with a job: claim it (once, whoever else got the same
id), make the file telling its progress in short transactions of its own,
keep it under DOCUMENTS_DIR, and record the end (or the error)."""

import logging
import os
import secrets
import time

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import update
from sqlmodel import Session

from .. import clock, db
from ..auth.models import Organization, User
from ..errors import DomainError
from .kinds import KINDS
from .models import DocumentJob
from .services import parameters

log = logging.getLogger(__name__)
PROGRESS_EVERY = 0.5  # seconds between progress writes


def _write(values: dict, job_id: int, *conditions) -> int:
    """One short transaction of its own on the job's row."""
    with Session(db.engine()) as session:
        db.begin_writing(session)
        result = session.execute(update(DocumentJob).where(DocumentJob.id == job_id, *conditions).values(**values))
        session.commit()
        return result.rowcount


def claim(job_id: int) -> bool:
    """queued -> running, by one worker only (a guarded UPDATE)."""
    return _write({"status": "running", "started_at": clock.utcnow()}, job_id, DocumentJob.status == "queued") == 1


class Progress:
    """Told how far the making got; writes it at most every PROGRESS_EVERY seconds."""

    def __init__(self, job_id: int):
        self.job_id, self.written = job_id, 0.0

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if now - self.written >= PROGRESS_EVERY:
            self.written = now
            _write({"done": done}, self.job_id, DocumentJob.status == "running")


def run_job(job_id: int) -> str:
    """Make one job's document; never raises (a failure is recorded on the job)."""
    if not claim(job_id):
        return "taken"
    directory = current_app.config["DOCUMENTS_DIR"]
    os.makedirs(directory, exist_ok=True)
    with Session(db.engine(), expire_on_commit=False) as session:
        job = session.get(DocumentJob, job_id)
        total = job.total
        user, org = session.get(User, job.requested_by), session.get(Organization, job.organization_id)
        name = f"{job.id}-{secrets.token_hex(8)}{os.path.splitext(job.download_name)[1]}"
        partial = os.path.join(directory, name + ".part")
        with force_locale(job.locale):
            try:
                KINDS[job.kind].make(session, parameters(job), partial, Progress(job_id),
                                     f"{user.display_name} · {org.name}")
                session.rollback()  # the making only reads
                os.replace(partial, os.path.join(directory, name))
            except Exception as error:  # a failure is the job's to show, whatever it is
                session.rollback()
                if os.path.exists(partial):
                    os.remove(partial)
                if isinstance(error, DomainError):
                    message = str(error.message)
                else:
                    log.exception("document job %s failed", job_id)
                    message = _("The document could not be made (%(error)s). Ask for it again, or tell the administrator.",
                                error=type(error).__name__)
                _write({"status": "failed", "error": message[:2000], "finished_at": clock.utcnow()}, job_id,
                       DocumentJob.status == "running")
                return "failed"
    size = os.path.getsize(os.path.join(directory, name))
    # Only the job this worker still holds: one put back in the queue meanwhile (its
    # worker taken for lost) is another worker's now, and keeps its own result.
    if not _write({"status": "done", "done": total, "file_name": name, "size": size, "finished_at": clock.utcnow()},
                  job_id, DocumentJob.status == "running"):
        os.remove(os.path.join(directory, name))
        return "taken"
    return "done"
