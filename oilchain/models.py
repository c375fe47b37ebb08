"""Every table, imported in one place so that the metadata is complete for
Alembic and for the schema-drift test."""

from .db import metadata  # noqa: F401  (first: it sets the naming convention)

from .admin.models import AuditEntry, Heartbeat, JobRun, Township, Variety  # noqa: F401
from .auth.models import AccessToken, Organization, User  # noqa: F401
from .harvest.models import HarvestRecord  # noqa: F401
from .ledger.models import Event, EventLine, Hold, Lot, PlotHold, Sequence, Shipment, YieldBound, YieldCurve  # noqa: F401
from .nursery.models import DispatchAgeLimit, GradingStandard, SeedlingBatch, SeedlingDispatch  # noqa: F401
from .planting.models import Acceptance, PlantingRecord, Plot, SurvivalCheck  # noqa: F401
from .processing.models import GradeLimit, OilLot, Product, ProductLot, QualityGrade, QualityTest, Refining, Tank  # noqa: F401
from .byproducts.models import ByProduct, GoodsLot  # noqa: F401
from .gi.models import GIMarkIssue, GIProducer, GIProduct, GIProtectedTownship  # noqa: F401
from .public.models import SerialScan, UnknownScan  # noqa: F401
from .trace.models import Recall  # noqa: F401
from .sales.models import PriceBound, Sale  # noqa: F401
from .downloads.models import DocumentJob, huey_counter, huey_kv, huey_schedule, huey_task  # noqa: F401
from .reports.models import DailyActual, ReportArchive, Rollup, Target  # noqa: F401
from .brain.models import (  # noqa: F401
    Forecast, ForecastBacktest, ForecastOutlook, RenovationEffect, SeasonCurve, Warning, WarningRule)
