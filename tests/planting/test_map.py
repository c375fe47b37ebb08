"""The plot map (planting/_map.html): the plots over the county's outline,
both projected the same way, server-rendered SVG without inline styles."""

import re

import pytest
from shapely.geometry import Point, Polygon

from oilchain import db
from oilchain.planting import queries

pytestmark = pytest.mark.usefixtures("english")


def outline_polygon(path: str) -> Polygon:
    first_ring = path.split(" Z")[0]
    points = [tuple(map(int, xy.split(","))) for xy in re.findall(r"-?\d+,-?\d+", first_ring)]
    return Polygon(points)


@pytest.mark.parametrize("whose", ["coop", None])
def test_plots_lie_inside_the_outline_on_the_map(app, world, whose):
    with app.app_context():
        session = db.session()
        drawn = queries.plot_map(session, world.orgs[whose].id if whose else None)
    county = outline_polygon(drawn["outline"])
    assert len(county.exterior.coords) > 100 and county.is_valid
    assert drawn["points"] and all(0 <= p["x"] <= 1000 and 0 <= p["y"] <= 1000 for p in drawn["points"])
    assert all(county.contains(Point(p["x"], p["y"])) for p in drawn["points"])
    south, north, west, east = drawn["bounds"]
    assert north - south == east - west >= queries.MAP_MIN_SPAN  # square, with the county around the plots


def test_empty_map_shows_the_whole_county(app):
    with app.app_context():
        drawn = queries.plot_map(db.session(), None)
    xs, ys = zip(*outline_polygon(drawn["outline"]).exterior.coords)
    assert drawn["points"] == [] and min(xs) >= 0 and max(xs) <= 1000 and min(ys) >= 0 and max(ys) <= 1000
    assert max(max(xs) - min(xs), max(ys) - min(ys)) >= 990  # the county fills the frame


def test_the_page_draws_the_outline_behind_the_plots(auth, world):
    auth.login("coop")
    html = auth.client.get("/planting/").get_data(as_text=True)
    figure = html[html.index('<figure class="card map">'):html.index("</figure>")]
    assert figure.index('<path class="map-county" d="M') < figure.index('<circle class="map-plot"')
    assert "style=" not in figure
    assert figure.count('<circle class="map-plot"') == 1  # the cooperative's own plot
