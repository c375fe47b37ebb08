"""The consumer page's small map: Youyang's outline, a dot for each plot the
lot's fruit came from and the name of each township at the centre of its
plots, as an inline SVG (no script, no tiles, no request of its own).

Drawn when a lot's page is rendered (public/scan.py's Cards: once per lot
and language), from the positions the stored story keeps
(provenance/story.py: thousandths of a degree). Degrees become the SVG's
units only here (floats for drawing, never a stored quantity): an
equirectangular projection squeezed by the cosine of the county's middle
latitude, `SCALE` units a degree of latitude, rounded to whole units."""

import math
from functools import cache

from markupsafe import Markup, escape

from .. import geo
from ..pinyin import romanized

SCALE = 240  # SVG units per degree of latitude: the county is about 212 x 259
SIMPLIFY_DEGREES = 0.004  # the outline drawn to about 400 m: 180 points instead of 729
LABEL_HEIGHT = 13
END = ' text-anchor="end"'


@cache
def frame() -> tuple[float, float, float, int, int]:
    """(west, north, x scale, width, height) of the county's map."""
    south, north, west, east = (value / geo.E6 for value in geo.bounds())
    squeeze = math.cos(math.radians((south + north) / 2))
    return west, north, SCALE * squeeze, math.ceil((east - west) * SCALE * squeeze), math.ceil((north - south) * SCALE)


def project(lat: float, lon: float) -> tuple[int, int]:
    west, north, x_scale, _w, _h = frame()
    return round((lon - west) * x_scale), round((north - lat) * SCALE)


@cache
def outline_path() -> str:
    """The county's outline as one SVG path (each ring its own subpath)."""
    shape = geo.outline().simplify(SIMPLIFY_DEGREES)
    polygons = getattr(shape, "geoms", [shape])
    parts = []
    for polygon in polygons:
        for ring in (polygon.exterior, *polygon.interiors):
            points = [project(lat, lon) for lon, lat in ring.coords]
            parts.append("M" + "L".join(f"{x} {y}" for x, y in points) + "z")
    return "".join(parts)


def dots_path(positions: list[list[int]]) -> str:
    """One path of zero-length strokes, a round dot each (one place once)."""
    seen = dict.fromkeys(project(lat / 1000, lon / 1000) for lat, lon in positions)
    return "".join(f"M{x} {y}h0" for x, y in seen)


def labels(townships: list[dict], english: bool) -> list[tuple[int, int, str, str]]:
    """(x, y, anchor, text) of each township's name, moved down where it
    would cover the one above it."""
    _west, _north, _xs, width, height = frame()
    placed = []
    for township in sorted((t for t in townships if t.get("at")), key=lambda t: t["at"][0], reverse=True):
        x, y = project(township["at"][0] / 1000, township["at"][1] / 1000)
        name = (romanized(township["name"]) or township["name"]) if english else township["name"]
        anchor = "end" if x > width * 0.6 else "start"
        tx = x - 6 if anchor == "end" else x + 6
        ty = y + 4
        for px, py, _a, _n in placed:
            if abs(py - ty) < LABEL_HEIGHT and abs(px - tx) < 90:
                ty = py + LABEL_HEIGHT
        placed.append((tx, min(ty, height - 2), anchor, name))
    return placed


def story_map(story: dict | None, english: bool, title: str) -> Markup:
    """The lot's map as inline SVG, or nothing when its story keeps no
    positions (a story written before they were kept)."""
    if not story or not story.get("positions"):
        return Markup("")
    _west, _north, _xs, width, height = frame()
    townships = story.get("townships", [])
    text = "".join(
        f'<text x="{x}" y="{y}"{END if anchor == "end" else ""}>{escape(name)}</text>'
        for x, y, anchor, name in labels(townships, english)
    )
    return Markup(
        f'<svg class="map" viewBox="-4 -4 {width + 8} {height + 8}" role="img" aria-label="{escape(title)}">'
        f'<path d="{outline_path()}" fill="#e9efdc" stroke="#7c9a5a" stroke-width="1.5"/>'
        f'<path d="{dots_path(story["positions"])}" stroke="#b5532a" stroke-width="6" stroke-linecap="round" opacity=".85"/>'
        f'<g font-size="11" fill="#1f2a1c" stroke="#fff" stroke-width="3" paint-order="stroke">{text}</g></svg>'
    )
