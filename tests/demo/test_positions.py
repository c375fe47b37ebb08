"""Every position the demo data gives lies inside the county's outline: the
county generator's township centres, plots, nurseries and processors (its
planting phase run on its own, in memory: the full county takes minutes),
and the small demo's plots and organizations (its first steps, through the
services)."""

from random import Random

from sqlmodel import select

from oilchain import geo
from oilchain.admin.models import Township, Variety
from oilchain.auth.models import Organization
from oilchain.demo import demo_year, small
from oilchain.demo.county import nursery, organizations, planting, plots
from oilchain.demo.county.state import County
from oilchain.planting.models import Plot


def test_county_generator_places_every_plot_and_site_inside_the_outline(session):
    """The steps that make organizations and plots (bearing plantations and
    this year's new-planting land): every one inside, and the same seed
    gives the same positions."""
    made = []
    for _ in range(2):
        county = County(session, 20_24, demo_year())
        for step in (organizations.organizations, plots.bearing_plots, planting.history, nursery.seedlings,
                     planting.plantings):
            step(county)
        made.append(county)
    county = made[0]
    assert len(county.centers) == len(county.townships) >= 39
    assert [t for t, center in county.centers.items() if not geo.inside(*center)] == []
    rows = county.rows["plot"]
    assert len(rows) > 1_500 and len(county.new_plots) > 100
    assert [r["name"] for r in rows if not geo.inside(r["latitude_e6"], r["longitude_e6"])] == []
    # Near their township's centre (the spread), not anywhere in the county.
    township_of = {tid: name for name, tid in county.townships.items()}
    assert all(abs(r["latitude_e6"] - county.centers[township_of[r["township_id"]]][0]) <= plots.PLOT_SPREAD_E6 for r in rows)
    placed = [org for org in county.rows["organization"] if org["kind"] in organizations.PLACED_KINDS]
    assert len(placed) == len(county.orgs["nursery"]) + len(county.orgs["processor"]) > 10
    assert [o["name"] for o in placed if o["latitude_e6"] is None or not geo.inside(o["latitude_e6"], o["longitude_e6"])] == []
    others = [org for org in county.rows["organization"] if org["kind"] not in organizations.PLACED_KINDS]
    assert others and all(o["latitude_e6"] is None and o["longitude_e6"] is None for o in others)
    # Deterministic: the second run drew the very same positions.
    assert [(r["latitude_e6"], r["longitude_e6"]) for r in rows] == \
        [(r["latitude_e6"], r["longitude_e6"]) for r in made[1].rows["plot"]]


def test_small_demo_plots_and_sites_inside_the_outline(session):
    demo = small.DemoYear(
        session=session, year=demo_year(), rng=Random(small.RANDOM_SEED),
        townships={t.name: t.id for t in session.exec(select(Township))},
        varieties={v.name: v.id for v in session.exec(select(Variety))},
    )
    small.targets_and_organizations(demo)
    small.plots(demo)
    session.commit()
    positions = [(p.name, p.latitude_e6, p.longitude_e6) for p in session.exec(select(Plot))]
    assert len(positions) == sum(len(rows) for rows in small.PLOTS.values())
    assert [name for name, lat, lon in positions if not geo.inside(lat, lon)] == []
    orgs = list(session.exec(select(Organization)))
    placed = [o for o in orgs if o.kind in ("nursery", "processor")]
    assert len(placed) == 4
    assert [o.name for o in placed if o.latitude_e6 is None or not geo.inside(o.latitude_e6, o.longitude_e6)] == []
