"""What the brain's map and the table under it show, put together from the
queries (brain/queries.py): positions in microdegrees become degrees only
here, for the chart (floats for drawing, never a stored quantity)."""

from sqlmodel import Session

from .. import geo
from ..ledger import trace
from . import forecast as forecast_data
from . import queries
from .queries import STATUSES, Scope


def degrees(lon_e6: int, lat_e6: int) -> list[float]:
    return [lon_e6 / geo.E6, lat_e6 / geo.E6]


def township_rows(session: Session, season: int, plots: list[dict], scope: Scope, forecast: dict,
                  dispatches: list[dict], shipments: list[dict], org_townships: dict[int, int | None]) -> list[dict]:
    """Per township of the plots in scope: plots, area, bearing area, the
    centre of its plots, the forecast's harvested and expected seed (county
    view only: a forecast is the county's), seedlings dispatched in and seed
    shipped out this season. The bearing area is the forecast's (its stands
    per variety group, the same figure as the index above the map) when the
    season has one; before the first nightly run, and for one organization's
    plots (the forecast's rows are whole townships'), it is the plots' own
    simple rule (planted at least the smallest bearing age ago)."""
    names = queries.township_names(session)
    rows: dict[int, dict] = {}
    plot_township = {}
    for plot in plots:
        plot_township[plot["id"]] = plot["township_id"]
        row = rows.setdefault(plot["township_id"], {"id": plot["township_id"], "name": names.get(plot["township_id"], ""),
                                                    "plots": 0, "area": 0, "bearing": 0, "lat": 0, "lon": 0,
                                                    "seedlings": 0, "shipped": 0})
        row["plots"] += 1
        row["area"] += plot["area_centimu"]
        row["bearing"] += plot["area_centimu"] if plot["bearing"] else 0
        row["lat"] += plot["lat"]
        row["lon"] += plot["lon"]
    for flow in dispatches:
        township = plot_township.get(flow["plot"])
        if township in rows:
            rows[township]["seedlings"] += flow["quantity"]
    for flow in shipments:
        township = org_townships.get(flow["from"])
        if township in rows:
            rows[township]["shipped"] += flow["quantity"]
    for row in rows.values():
        row["lat"] //= row["plots"]
        row["lon"] //= row["plots"]
        found = forecast.get(row["id"]) if scope.county else None
        if found:
            row["bearing"] = found.bearing_centimu
        row["harvested"] = found.harvested_seed_g if found else None
        row["forecast"] = found.forecast_seed_g if found else None
    return sorted(rows.values(), key=lambda r: r["name"])


def map_data(session: Session, season: int, scope: Scope) -> dict:
    """Everything the map draws and the table lists, for one scope."""
    plots = queries.plots(session, season, scope)
    bearing_from = season - trace.bearing_years(session)
    dispatches = queries.dispatch_flows(session, season, scope)
    shipments = queries.shipment_flows(session, season, scope)
    orgs = queries.organizations(session, queries.involved_orgs(scope, dispatches, shipments))
    forecast = {row.township_id: row for row in forecast_data.latest(session, season)} if scope.county else {}
    senders = queries.org_townships(session, {s["from"] for s in shipments})
    townships = township_rows(session, season, plots, scope, forecast, dispatches, shipments, senders)
    at_plot = {p["id"]: p for p in plots}
    at_org = {o["id"]: o for o in orgs}
    at_coop = queries.cooperative_positions(session, {s["from"] for s in shipments})
    dispatch_lines = [
        {"coords": [degrees(at_org[f["from"]]["lon"], at_org[f["from"]]["lat"]), degrees(at_plot[f["plot"]]["lon"], at_plot[f["plot"]]["lat"])],
         "value": f["quantity"], "name": f"{at_org[f['from']]['name']} → {at_plot[f['plot']]['name']}", "plot": f["plot"]}
        for f in dispatches if f["from"] in at_org and f["plot"] in at_plot
    ]
    shipment_lines = [
        {"coords": [degrees(at_coop[f["from"]][1], at_coop[f["from"]][0]), degrees(at_org[f["to"]]["lon"], at_org[f["to"]]["lat"])],
         "value": f["quantity"], "name": f"{at_coop[f['from']][2]} → {at_org[f['to']]['name']}", "org": f["to"]}
        for f in shipments if f["from"] in at_coop and f["to"] in at_org
    ]
    county = forecast.get(None)
    return {
        "season": season,
        "county": scope.county,
        "statuses": list(STATUSES),
        "plots": [{"id": p["id"], "name": p["name"], "value": degrees(p["lon"], p["lat"]) + [p["area_centimu"]],
                   "status": STATUSES.index(p["status"]), "township": p["township_id"]} for p in plots],
        "orgs": [{"id": o["id"], "name": o["name"], "kind": o["kind"], "value": degrees(o["lon"], o["lat"])} for o in orgs],
        "townships": townships,
        "dispatches": dispatch_lines,
        "shipments": shipment_lines,
        "bearing_from": bearing_from,
        "forecast": None if county is None else {
            "as_of": county.as_of.isoformat(), "bearing_centimu": county.bearing_centimu, "seed_g": county.forecast_seed_g, "oil_g": county.forecast_oil_g,
            "harvested_g": county.harvested_seed_g, "curve_only": county.curve_only},
    }
