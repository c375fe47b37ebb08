"""Demo data, in two sizes (`oilchain demo [--scale county]`): its public face.

  common    what both share: demo_year, has_data, DEMO_PASSWORD, DEMO_GI, GI_OUTSIDE, missing_targets
  small     the small demo year, made through the services (`load`); its cast and plan in small_plan
  county/   a whole county year at the 2024 targets, computed in memory and written in bulk (`load_county`)
"""

from .common import DEMO_GI, DEMO_PASSWORD, GI_OUTSIDE, demo_year, has_data, missing_targets
from .county import load as load_county
from .small import load

__all__ = ["DEMO_GI", "DEMO_PASSWORD", "GI_OUTSIDE", "demo_year", "has_data", "load", "load_county", "missing_targets"]
