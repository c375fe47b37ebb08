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
from ..curves import share_by
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
    """The curve's cumulative per mille reached by `day` (curves.share_by);
    None: no such curve."""
    points = session.exec(
        select(SeasonCurve.month, SeasonCurve.day, SeasonCurve.cumulative_permille)
        .where(SeasonCurve.curve == curve).order_by(SeasonCurve.month, SeasonCurve.day)
    ).all()
    return share_by(points, day) if points else None