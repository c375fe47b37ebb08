"""What a rule finds, and the season curves' share of a day.

A finding's message is an English message id (marked with errors.Message
so it is extracted and translated on display); its values are plain
numbers and codes, named by what they hold so the page formats them in the
reader's language: `*_g` grams (kg), `*_fen` fen (yuan), `*_permille`
per mille (%), `*_centimu` hundredths of a mu, `*_lab` a lab value in
thousandths, `*_grade` a quality grade's code, `*_metric` a target
metric's value in the finding's `unit`, `metric` a metric's key."""

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from ...errors import Message
from ..models import SeasonCurve


@dataclass(frozen=True)
class Finding:
    subject_kind: str
    subject_id: int
    subject_label: str
    organization_id: int | None  # whose records (None: the bureau's alone)
    township_id: int | None
    message: str
    values: dict = field(default_factory=dict)

    @classmethod
    def of(cls, subject_kind: str, subject_id: int, label: str, message: Message, *, org: int | None = None,
           township: int | None = None) -> "Finding":
        return cls(subject_kind, subject_id, label, org, township, message.text, dict(message.values))


def per_mille(part: int, whole: int) -> int:
    """part / whole in per mille, rounded down (whole > 0)."""
    return part * 1000 // whole


def season_share(session: Session, curve: str, day: date) -> int | None:
    """The curve's cumulative per mille reached by `day` (linear between its
    points, 0 before the first, 1000 after the last); None: no such curve."""
    points = [(date(day.year, month, min(d, 28) if month == 2 else d), share) for month, d, share in session.exec(
        select(SeasonCurve.month, SeasonCurve.day, SeasonCurve.cumulative_permille)
        .where(SeasonCurve.curve == curve).order_by(SeasonCurve.month, SeasonCurve.day)
    )]
    if not points:
        return None
    if day < points[0][0]:
        return 0
    for (start, low), (end, high) in zip(points, points[1:]):
        if start <= day <= end:
            span = (end - start).days
            return low + (high - low) * (day - start).days // span if span else high
    return 1000 if day > points[-1][0] else points[-1][1]
