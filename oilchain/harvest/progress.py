"""The cooperative's progress on its start page: its plots (how many, the
area), its plantings waiting for the bureau's acceptance, and the plan
year's harvest as the ledger keeps it: fresh fruit harvested, seed dried
and hulled. Each figure counts the rows of the list its link opens: the
plot and planting lists' queries (planting.queries), the lots its harvests
and its drying made (reports.progress.made_rows, which the lot list's
filter reads)."""

from dataclasses import dataclass

from sqlmodel import Session

from ..planting.queries import plots_counted, waiting_plantings
from ..reports.progress import Total, made_rows, plan_year, total


@dataclass(frozen=True)
class CooperativeProgress:
    year: int
    plots: Total  # count, area in hundredths of a mu
    waiting: Total  # plantings waiting for acceptance, their area
    fruit: Total  # fruit lots harvested in the year, grams
    seed: Total  # seed lots dried and hulled in the year, grams


def progress(session: Session, org_id: int, year: int | None = None) -> CooperativeProgress:
    year = plan_year(session) if year is None else year
    return CooperativeProgress(
        year=year,
        plots=total(session, plots_counted(org_id)),
        waiting=total(session, waiting_plantings(org_id)),
        fruit=total(session, made_rows("harvest", "fruit", year, org_id)),
        seed=total(session, made_rows("dry_hull", "seed", year, org_id)),
    )
