"""What the small demo and the county data share: the demo year, the demo
password, the GI, the plan's targets, and whether a database has data."""

from sqlmodel import Session, select

from .. import clock
from ..admin.models import Variety
from ..auth.models import Organization
from ..lab import LabValues
from ..reference import PLAN_TARGETS
from ..reports.models import Target

DEMO_PASSWORD = "oilchain-demo"
# The demo's GI: Youyang camellia oil, protected in every township but two.
DEMO_GI = dict(
    name="酉阳山茶油", registration="地理标志证明商标（演示登记号 GI-DEMO-0001）· 国家知识产权局",
    specification="GB/T 11765 压榨一级；酉阳县域内油茶籽",
)
DEMO_GI_LIMITS = LabValues(acid_value=2_000, peroxide_value=250, moisture=100)
GI_OUTSIDE = ("黑水镇", "兴隆镇")


def demo_year() -> int:
    """The last full season before today, so every date lies in the past."""
    return clock.today().year - 1


def has_data(session: Session) -> bool:
    return session.exec(select(Organization.id).limit(1)).first() is not None


def missing_targets(session, year: int) -> dict[str, int]:
    """The 2024 plan's targets the bureau carries into `year` (those it has not set)."""
    planned = set(session.execute(select(Target.metric).where(Target.year == year)).scalars())
    return {metric: value for metric, value in PLAN_TARGETS.items() if metric not in planned}


def mark_improved_varieties(session: Session) -> None:
    """The demo's varieties (reference.VARIETIES, all of them approved
    improved varieties) marked as 良种 with placeholder approval numbers
    flagged "to be confirmed" (`approval_pending`): the improved-variety share
    is not 0%, and nobody takes the numbers for the real ones, which an admin
    types from the approval notices."""
    for index, variety in enumerate(session.exec(select(Variety).order_by(Variety.id)), start=1):
        if not variety.improved:
            variety.improved, variety.approval_number, variety.approval_pending = True, f"DEMO-{index:03d}", True
            session.add(variety)
    session.flush()
