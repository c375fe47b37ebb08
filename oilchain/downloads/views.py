"""Document jobs: ask for one, watch its progress (htmx polls a partial),
download it when done. Only the requester's organization and the bureau
see a job; to anyone else it does not exist (404)."""

from flask import Blueprint, current_app, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from .. import attachments, db
from ..auth.access import BUREAU_ROLES, roles_required
from ..web import form_step
from . import services
from .forms import DocumentForm
from .kinds import KINDS
from .queue import enqueue

bp = Blueprint("downloads", __name__, url_prefix="/documents")
ROLES = ("processor", "nursery", *BUREAU_ROLES)


@bp.route("/")
@roles_required(*ROLES)
def index():
    return render_template("downloads/index.html", jobs=services.jobs_of(db.session(), current_user), kinds=KINDS)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*ROLES)
def new():
    """The request for a long document (the lot page and the dashboard post
    here); a refused one comes back with the message next to its field."""
    session = db.session()
    form = DocumentForm(**({} if request.method == "POST" else {"formdata": request.args or None}))
    form.kind.choices = [(code, str(kind.label)) for code, kind in KINDS.items()]

    def queued(job):
        enqueue(current_app._get_current_object(), job.id)
        return url_for("downloads.job", document_id=job.id), _("The document is being made. This page shows how far it got.")

    return form_step(
        form,
        lambda: services.request_job(session, actor=current_user, kind=form.kind.data, params=form.parameters(),
                                     locale=str(get_locale() or "zh_CN")),
        done_to=queued,
        partial="downloads/_new_form.html",
        title=_("Make a long document"),
        lead=_("Long documents are made in the background: you can leave the page and come back to download it."),
    )


@bp.route("/<id:document_id>")
@roles_required(*ROLES)
def job(document_id: int):
    found, user = services.job_for(db.session(), current_user, document_id)
    return render_template("downloads/job.html", job=found, user=user, kinds=KINDS, **_keeping())


@bp.route("/<id:document_id>/status")
@roles_required(*ROLES)
def status(document_id: int):
    """The progress partial the job page polls (every second until the job ends)."""
    found, _user = services.job_for(db.session(), current_user, document_id)
    return render_template("downloads/_status.html", job=found, **_keeping())


@bp.route("/<id:document_id>/download")
@roles_required(*ROLES)
def download(document_id: int):
    found, _user = services.job_for(db.session(), current_user, document_id)
    path = services.result_path(current_app.config["DOCUMENTS_DIR"], found)
    if path is None:
        message = _("This document is not ready: it can be downloaded once it is done.") if found.status in (
            "queued", "running") else _("This document is no longer kept. Ask for it again.")
        return render_template("error.html", status=409, message=message), 409
    response = send_file(path, mimetype=found.mimetype, max_age=0)
    response.headers["Content-Disposition"] = attachments.content_disposition(
        found.download_name, inline=found.mimetype == "application/pdf")
    return response


@bp.app_template_global()
def document_title(job) -> str:
    return services.title(job)


def _keeping() -> dict:
    return {"keep_days": current_app.config["DOCUMENTS_KEEP_DAYS"]}
