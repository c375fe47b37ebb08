"""Asking for a document, finding one's jobs, and the retention clean-up.
The worker's side is running.py."""

import json
import os
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlmodel import Session, select

from .. import clock
from ..auth.models import User
from ..errors import Invalid, NotFound
from .kinds import KINDS, parameters_text
from .models import DocumentJob


def request_job(session: Session, *, actor, kind: str, params: dict, locale: str) -> DocumentJob:
    """Check what is asked for (refusing it with a message for its field)
    and record a queued job; the caller hands it to the queue after commit."""
    if kind not in KINDS:
        raise Invalid(_l("Choose a kind of document."), field="kind")
    params = dict(params)
    plan = KINDS[kind].check(session, actor, params)
    job = DocumentJob(kind=kind, parameters=parameters_text(params), title=plan.title[:200], locale=locale,
                      requested_by=actor.user_id, organization_id=actor.org_id, total=plan.total,
                      download_name=plan.download_name, mimetype=plan.mimetype)
    session.add(job)
    session.flush()
    return job


def may_see(actor, job: DocumentJob) -> bool:
    """The requester's organization and the bureau; nobody else learns of it."""
    return actor.is_bureau or job.organization_id == actor.org_id


def job_for(session: Session, actor, job_id: int) -> tuple[DocumentJob, User]:
    """A job and who asked for it; NotFound for a job the actor may not see."""
    job = session.get(DocumentJob, job_id, populate_existing=True)
    if job is None or not may_see(actor, job):
        raise NotFound(_l("Nothing was found at this address."))
    return job, session.get(User, job.requested_by)


def jobs_of(session: Session, actor, limit: int = 50) -> list[tuple[DocumentJob, User]]:
    query = select(DocumentJob, User).join(User, User.id == DocumentJob.requested_by)
    if not actor.is_bureau:
        query = query.where(DocumentJob.organization_id == actor.org_id)
    return list(session.exec(query.order_by(DocumentJob.id.desc()).limit(limit)))


def parameters(job: DocumentJob) -> dict:
    return json.loads(job.parameters or "{}")


def title(job: DocumentJob) -> str:
    """What the job makes, in the reader's language (the stored title is the requester's)."""
    kind = KINDS.get(job.kind)
    try:
        return kind.title(parameters(job)) if kind else job.title
    except (KeyError, TypeError, ValueError):
        return job.title


def result_path(directory: str, job: DocumentJob) -> str | None:
    """The finished file of a done job (None before, and once expired)."""
    if job.status != "done" or not job.file_name:
        return None
    path = os.path.join(directory, job.file_name)
    return path if os.path.isfile(path) else None


def queued_ids(session: Session) -> list[int]:
    return list(session.exec(select(DocumentJob.id).where(DocumentJob.status == "queued").order_by(DocumentJob.id)))


ABANDONED_AFTER = timedelta(hours=1)  # a whole lot's sheet takes minutes; a job running this long lost its worker


def requeue_abandoned(session: Session, now=None) -> int:
    """Jobs a worker claimed and never finished (it was killed, the machine
    went down) go back to the queue, to be made again from the start. A
    guarded UPDATE, so a job that finishes meanwhile keeps its result."""
    before = (now or clock.utcnow()) - ABANDONED_AFTER
    result = session.execute(update(DocumentJob)
                             .where(DocumentJob.status == "running", DocumentJob.started_at < before)
                             .values(status="queued", done=0, started_at=None))
    return result.rowcount


def clean_up(session: Session, directory: str, keep_days: int) -> int:
    """Remove the files of jobs finished more than `keep_days` ago (done
    ones become expired); returns how many files went."""
    before = clock.utcnow() - timedelta(days=keep_days)
    old = list(session.exec(select(DocumentJob).where(DocumentJob.finished_at < before, DocumentJob.file_name.is_not(None))))
    for job in old:
        path = os.path.join(directory, job.file_name)
        if os.path.isfile(path):
            os.remove(path)
    if old:
        session.execute(update(DocumentJob).where(DocumentJob.id.in_([job.id for job in old]))
                        .values(file_name=None))
        session.execute(update(DocumentJob).where(DocumentJob.id.in_([job.id for job in old]), DocumentJob.status == "done")
                        .values(status="expired"))
    return len(old)
