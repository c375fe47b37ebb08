"""Display names of the codes stored in the database, in one place."""

from flask_babel import lazy_gettext as _l

from .errors import Label

def kind_label(kind: str):
    return {
        "seedling": _l("Seedlings"),
        "dispatch": _l("Dispatched seedlings"),
        "fruit": _l("Fresh fruit"),
        "seed": _l("Seed"),
        "husk": _l("Husks"),
        "oil": _l("Oil"),
        "cake": _l("Seed cake"),
        "product": _l("Bottled product"),
        "saponin": _l("Tea saponin"),
        "meal": _l("Extracted meal"),
        "goods": _l("By-product product"),
        "loss": _l("Loss"),
    }.get(kind, kind)


def event_label(kind: str):
    return {
        "commission": _l("Batch registered"),
        "grade": _l("Grading"),
        "dispatch": _l("Seedlings dispatched"),
        "plant": _l("Planting"),
        "harvest": _l("Harvest"),
        "dry_hull": _l("Drying and hulling"),
        "ship": _l("Shipped"),
        "receive": _l("Received"),
        "press": _l("Pressing"),
        "bottle": _l("Bottling"),
        "sell": _l("Sale"),
        "extract": _l("Saponin extraction"),
        "leach": _l("Solvent extraction"),
        "make": _l("By-product making"),
        "refine": _l("Refining"),
        "blend": _l("Blending"),
        "split": _l("Split"),
        "dispose": _l("Disposal"),
        "reverse": _l("Correction (reversal)"),
    }.get(kind, kind)


def status_label(status: str):
    return {"active": _l("in stock"), "in_transit": _l("in transit"), "reversed": _l("reversed")}.get(status, status)


PROPAGATION = {
    "grafting": _l("Grafted seedlings"),
    "cutting": _l("Cuttings"),
    "seedling": _l("Seed-grown seedlings"),
    "tissue_culture": _l("Tissue culture"),
}
STAGES = {
    "sown": _l("Sown"),
    "grafted": _l("Grafted"),
    "growing": _l("Growing"),
    "graded": _l("Graded"),
    "certified": _l("Certified"),
    "dispatched": _l("Dispatched"),
}
GRADE_NAMES = {1: _l("Grade I"), 2: _l("Grade II")}
PLANTING_KINDS = {"new": _l("New planting"), "renovation": _l("Renovation")}
RENOVATION_METHODS = {"replanting": _l("Replanting"), "top_grafting": _l("Top grafting"), "tending": _l("Tending")}
CHANNELS = {
    "retail": _l("Retail"),
    "wholesale": _l("Wholesale"),
    "online": _l("Online shop"),
    "supermarket": _l("Supermarket"),
    "gift": _l("Gift boxes"),
    "export": _l("Outside the province"),
}
OIL_METHODS = {
    "cold_pressed": _l("Cold pressed"),
    "hot_pressed": _l("Hot pressed"),
    "solvent": _l("Solvent extracted"),
}
REFINING_STEPS = {
    "degumming": _l("Degumming"),
    "deacidification": _l("Deacidification"),
    "bleaching": _l("Bleaching"),
    "deodorization": _l("Deodorization"),
    "dewaxing": _l("Dewaxing"),
}
ROLES = {
    "admin": _l("Administrator"),
    "manager": _l("Bureau manager"),
    "nursery": _l("Nursery staff"),
    "cooperative": _l("Cooperative"),
    "processor": _l("Processor"),
}
ORG_KINDS = {
    "bureau": _l("Forestry bureau"),
    "nursery": _l("Nursery"),
    "cooperative": _l("Cooperative"),
    "processor": _l("Processor"),
}


QUALITY_GRADES = {"grade1": _l("Grade 1"), "grade2": _l("Grade 2")}
LAB_LABELS = {"acid_value": _l("acid value"), "peroxide_value": _l("peroxide value"), "moisture": _l("moisture")}
UNKNOWN_REASONS = {
    "gtin": _l("wrong GTIN check digit"),
    "product": _l("unknown product"),
    "lot": _l("unknown batch"),
    "check": _l("wrong check code"),
    "range": _l("serial outside its batch"),
    "withdrawn": _l("withdrawn batch"),
    "seedling": _l("wrong seedling label code"),
    "seedling_void": _l("seedling label of a reversed dispatch"),
}
RUN_STATUS = {"running": _l("running"), "ok": _l("succeeded"), "failed": _l("failed")}
DOCUMENT_STATUS = {"queued": _l("waiting"), "running": _l("being made"), "done": _l("done"), "failed": _l("failed"),
                   "expired": _l("no longer kept")}
RUN_TRIGGER = {"schedule": _l("on schedule"), "catch-up": _l("catch-up after a restart"), "manual": _l("run by hand")}


def lot_state(lot):
    """A lot's state as its owner would say it: a used-up lot is not "in stock"."""
    if lot.status == "active" and lot.remaining == 0:
        return _l("used up")
    return status_label(lot.status)


# The names of the lists a Label (errors.Label, in the ledger's messages) may name.
LABEL_LISTS = {"lot_kind": kind_label, "event_kind": event_label, "lot_status": status_label}


def display(value):
    """How a value in a message is shown: a Label by its display name."""
    if isinstance(value, Label):
        return LABEL_LISTS[value.of](value.code)
    return value


def choices(mapping: dict) -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in mapping.items()]


# What an audit entry's action means, in the audit log's table and filter.
AUDIT_ACTIONS = {
    "accept": _l("accepted"),
    "authorize": _l("authorized"),
    "certify": _l("certified"),
    "change_password": _l("changed own password"),
    "close": _l("closed"),
    "create": _l("created"),
    "deactivate": _l("deactivated"),
    "grading": _l("grading standard changed"),
    "growing": _l("growing started"),
    "reactivate": _l("reactivated"),
    "recall": _l("recall opened"),
    "rename": _l("renamed"),
    "reset_password": _l("password reset"),
    "retire": _l("retired"),
    "revoke": _l("revoked"),
    "save": _l("saved"),
    "sign_out_everywhere": _l("signed out everywhere"),
    "target": _l("target set"),
    "target_copy": _l("targets copied from another year"),
}


def init_app(app) -> None:
    app.jinja_env.globals.update(
        kind_label=kind_label,
        status_label=status_label,
        lot_state=lot_state,
        event_label=event_label,
        propagation_label=lambda code: PROPAGATION.get(code, code),
        stage_label=lambda code: STAGES.get(code, code),
        grade_label=lambda grade: GRADE_NAMES.get(grade, grade),
        planting_label=lambda code: PLANTING_KINDS.get(code, code),
        method_label=lambda code: RENOVATION_METHODS.get(code, code or ""),
        channel_label=lambda code: CHANNELS.get(code, code),
        role_label=lambda code: ROLES.get(code, code),
        run_status_label=lambda code: RUN_STATUS.get(code, code),
        quality_grade_label=lambda code: QUALITY_GRADES.get(code, code),
        oil_method_label=lambda code: OIL_METHODS.get(code, code),
        refining_step_label=lambda code: REFINING_STEPS.get(code, code),
        lab_label=lambda name: LAB_LABELS.get(name, name),
        unknown_reason_label=lambda code: UNKNOWN_REASONS.get(code, code),
        run_trigger_label=lambda code: RUN_TRIGGER.get(code, code),
        document_status_label=lambda code: DOCUMENT_STATUS.get(code, code),
        org_kind_label=lambda code: ORG_KINDS.get(code, code),
        audit_action_label=lambda code: AUDIT_ACTIONS.get(code, code),
    )

