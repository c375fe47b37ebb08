"""Display names of the codes stored in the database, in one place."""

from flask_babel import lazy_gettext as _l

from .ledger.services import event_label, kind_label, status_label  # noqa: F401  (re-exported for templates)

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
}
RUN_STATUS = {"running": _l("running"), "ok": _l("succeeded"), "failed": _l("failed")}
RUN_TRIGGER = {"schedule": _l("on schedule"), "catch-up": _l("catch-up after a restart"), "manual": _l("run by hand")}


def lot_state(lot):
    """A lot's state as its owner would say it: a used-up lot is not "in stock"."""
    if lot.status == "active" and lot.remaining == 0:
        return _l("used up")
    return status_label(lot.status)


def choices(mapping: dict) -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in mapping.items()]


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
        lab_label=lambda name: LAB_LABELS.get(name, name),
        unknown_reason_label=lambda code: UNKNOWN_REASONS.get(code, code),
        run_trigger_label=lambda code: RUN_TRIGGER.get(code, code),
        org_kind_label=lambda code: ORG_KINDS.get(code, code),
    )
