"""What the small demo and the county data share: the demo year, the demo
password, the GI, the plan's targets, and whether a database has data."""

from sqlmodel import Session, select

from .. import clock
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
