"""Quality: the grade a lab test reaches (the grade thresholds are data the
bureau keeps, per extraction method: the oil's), the test that stands for an oil lot on a given day, and the
rule that oil is sold only with a standing test that meets its product's
grade."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from ..codes import is_lot_code, normalize_lot_code
from ..errors import Invalid
from ..labels import LAB_LABELS, QUALITY_GRADES
from ..ledger.models import STANDING, Event, EventLine, Lot
from ..lab import LabValues
from .models import GradeLimit, OilLot, QualityGrade, QualityTest

@dataclass(frozen=True)
class Reading:
    """What a test's values reach: the best grade, or what is over the lowest grade's limits."""

    grade: str | None  # the best grade reached, or None: below every grade
    over: dict  # lab value -> (value, limit) for those above the lowest grade's limits


DEFAULT_METHOD = "hot_pressed"  # an oil lot with no oil_lot row (none should lack one)


def grades(session: Session, method: str = DEFAULT_METHOD) -> list:
    """The grades of oil of this extraction method, best first: rows with
    `code`, `rank` and the `max_*` limits (grade_limit)."""
    return list(session.execute(
        select(GradeLimit.grade_code.label("code"), QualityGrade.rank, GradeLimit.max_acid_value_milli,
               GradeLimit.max_peroxide_value_milli, GradeLimit.max_moisture_milli)
        .join(QualityGrade, QualityGrade.code == GradeLimit.grade_code)
        .where(GradeLimit.method == method)
        .order_by(QualityGrade.rank)
    ).all())


def grade_codes(session: Session) -> list[str]:
    """Every grade's code, best first (what a product may name as its lowest)."""
    return list(session.exec(select(QualityGrade.code).order_by(QualityGrade.rank)))


def ranks(session: Session) -> dict[str, int]:
    return dict(session.execute(select(QualityGrade.code, QualityGrade.rank)).all())


def method_of(session: Session, lot_id: int | None) -> str:
    """How the oil of this lot was extracted (its oil_lot row)."""
    oil = session.get(OilLot, lot_id) if lot_id is not None else None
    return oil.method if oil is not None else DEFAULT_METHOD


def method_of_code(session: Session, org_id: int, code: str | None) -> str:
    """The method of the organization's oil lot with this code (the quality
    form's live grade); the default for a code that names none of its lots."""
    code = normalize_lot_code(code or "")
    if not is_lot_code(code):  # nothing a lot could be named (a NUL byte PostgreSQL refuses, say)
        return DEFAULT_METHOD
    return method_of(session, session.exec(select(Lot.id).where(Lot.code == code, Lot.owner_org_id == org_id)).first())


def reaches(grade, values: LabValues) -> bool:
    """Do the values reach the grade (a row of its limits: GradeLimit or `grades`')?"""
    return values.within(LabValues.of(grade, prefix="max_"))


def best_grade(ordered: list, values: LabValues) -> str | None:
    """The best of these grades (best first) the values reach, or None."""
    return next((grade.code for grade in ordered if reaches(grade, values)), None)


def read(session: Session, values: LabValues, method: str = DEFAULT_METHOD) -> Reading:
    """The best grade these values reach for oil of `method` and, when they
    reach none, what is over the lowest grade's limits (what the form flags)."""
    ordered = grades(session, method)
    reached = best_grade(ordered, values)
    if reached is not None:
        return Reading(reached, {})
    return Reading(None, values.over(LabValues.of(ordered[-1], prefix="max_")) if ordered else {})


def grade_of(session: Session, test: QualityTest) -> str | None:
    """The best grade the test reaches (its code) by the limits of its oil's method, or None."""
    return read(session, test.values, method_of(session, test.lot_id)).grade


def grade_name(code: str | None):
    return QUALITY_GRADES.get(code, code) if code else _l("below every grade")


def oil_sources(session: Session, lot: Lot) -> list[int]:
    """The oil lots whose test speaks for `lot`: itself when it is oil, else
    the oil its standing bottling took; and for a part split off an oil lot,
    the lot it was split from (the same oil, tested before or after)."""
    if lot.kind == "oil":
        return split_origins(session, [lot.id])
    return split_origins(session, list(session.exec(inputs_of_kind(lot.id, "oil"))))


def inputs_of_kind(lot_id: int, kind: str, event_kind: str | None = None):
    """The ids of the lots of `kind` the standing event that made `lot_id` took."""
    made, used = aliased(EventLine), aliased(EventLine)
    query = (
        select(used.lot_id)
        .join(made, (made.event_id == used.event_id) & (made.role == "output"))
        .join(Event, Event.id == used.event_id)
        .join(Lot, Lot.id == used.lot_id)
        .where(made.lot_id == lot_id, used.role == "input", Lot.kind == kind, STANDING)
    )
    return query.where(Event.kind == event_kind) if event_kind else query


def split_origins(session: Session, ids: list[int]) -> list[int]:
    """These oil lots and, up every standing split, the lots they were split from."""
    found, frontier = list(ids), list(ids)
    while frontier:
        frontier = [origin for lot_id in frontier
                    for origin in session.exec(inputs_of_kind(lot_id, "oil", "split")) if origin not in found]
        found.extend(frontier)
    return found


def standing_test(session: Session, oil_ids: list[int], on: date) -> QualityTest | None:
    """The latest standing (not withdrawn) test of these oil lots dated on or before `on`."""
    if not oil_ids:
        return None
    return session.exec(
        select(QualityTest)
        .where(QualityTest.lot_id.in_(oil_ids), QualityTest.withdrawn_at.is_(None), QualityTest.tested_on <= on)
        .order_by(QualityTest.tested_on.desc(), QualityTest.id.desc())
    ).first()


def require_sellable(session: Session, lot: Lot, on: date, lowest_grade: str | None, field: str = "occurred_on") -> QualityTest:
    """Oil (bottled or bulk) is sold only with a standing quality test dated
    on or before the sale that reaches the product's lowest grade (any
    grade, when the product names none); the refusal says which and why."""
    oil_ids = oil_sources(session, lot)
    test = standing_test(session, oil_ids, on)
    oil_codes = ", ".join(session.exec(select(Lot.code).where(Lot.id.in_(oil_ids or [0])).order_by(Lot.code)))
    if test is None:
        raise Invalid(
            _l("Lot %(code)s cannot be sold on %(day)s: no standing quality test of its oil (%(oil)s) is dated on "
               "or before that day. Record the test first.", code=lot.code, day=on.isoformat(), oil=oil_codes or lot.code),
            field=field,
        )
    reached = grade_of(session, test)
    rank = ranks(session)
    values = "; ".join(f"{LAB_LABELS[name]} {text}" for name, text in test.values.as_text().items())
    if reached is None:
        raise Invalid(
            _l("Lot %(code)s cannot be sold: the quality test of %(day)s (%(values)s) reaches no grade.",
               code=lot.code, day=test.tested_on.isoformat(), values=values),
            field=field,
        )
    if lowest_grade in rank and rank[reached] > rank[lowest_grade]:
        raise Invalid(
            _l("Lot %(code)s cannot be sold as this product: the quality test of %(day)s reaches %(reached)s, "
               "below %(lowest)s, the lowest grade the product may be sold at.",
               code=lot.code, day=test.tested_on.isoformat(), reached=grade_name(reached), lowest=grade_name(lowest_grade)),
            field=field,
        )
    return test
