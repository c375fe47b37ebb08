"""The county's outline (oilchain/geo.py): known places inside and outside,
its bounds, and random points for the generator."""

from random import Random

from oilchain import geo

SEAT = (28_840_000, 108_770_000)  # 钟多街道, the county seat
INSIDE = {
    "钟多街道 (county seat)": SEAT,
    "麻旺镇 (the plot form tests' plot)": (28_650_000, 108_930_000),
    "兴隆镇 (a small demo plot)": (28_921_400, 108_608_300),
    "near the western border": (28_880_000, 108_400_000),
}
OUTSIDE = {
    "Chongqing city": (29_560_000, 106_550_000),
    "秀山 county seat": (28_450_000, 108_990_000),
    "黔江 district seat": (29_530_000, 108_770_000),
    "彭水 county seat": (29_290_000, 108_170_000),
    "just west of the western border": (28_900_000, 108_350_000),
    "0, 0": (0, 0),
}


def test_known_places_inside_and_outside():
    assert {name: geo.inside(*point) for name, point in INSIDE.items()} == dict.fromkeys(INSIDE, True)
    assert {name: geo.inside(*point) for name, point in OUTSIDE.items()} == dict.fromkeys(OUTSIDE, False)


def test_bounds_hold_the_outline_and_the_county():
    south, north, west, east = geo.bounds()
    assert 28_200_000 < south < 28_500_000 < 29_200_000 < north < 29_500_000
    assert 108_200_000 < west < 108_500_000 < 109_100_000 < east < 109_500_000
    ring = geo.rings()[0]
    assert ring[0] == ring[-1] and len(ring) > 100  # closed, detailed
    assert all(south <= lat <= north and west <= lon <= east for lat, lon in ring)
    assert geo.inside(*geo.center())


def test_outline_geojson_is_one_feature_of_youyang():
    data = geo.outline_geojson()
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 1
    feature = data["features"][0]
    assert feature["properties"]["adcode"] == "500242"
    assert feature["geometry"]["type"] == "Polygon"


def test_random_points_inside_and_deterministic():
    draws = [geo.random_point_inside(Random(7), SEAT, 30_000) for _ in range(2)]
    assert draws[0] == draws[1]
    rng = Random(3)
    near = [geo.random_point_inside(rng, SEAT, 30_000) for _ in range(200)]
    assert all(geo.inside(*p) and abs(p[0] - SEAT[0]) <= 30_000 and abs(p[1] - SEAT[1]) <= 30_000 for p in near)
    anywhere = [geo.random_point(rng) for _ in range(200)]
    assert all(geo.inside(*p) for p in anywhere)
    assert len(set(anywhere)) == 200


def test_random_point_near_the_border_or_outside_is_pulled_inside():
    """A centre on the border with a wide spread, and a centre outside the
    county altogether: the point still lies inside."""
    rng = Random(5)
    south, north, west, east = geo.bounds()
    border = geo.rings()[0][0]
    for near, spread in ((border, 200_000), (OUTSIDE["Chongqing city"], 10_000), ((south, west), 5_000)):
        points = [geo.random_point_inside(rng, near, spread) for _ in range(20)]
        assert all(geo.inside(*p) for p in points), near
