"""Pictures of the record, as SVG written here: each with its text alternative and its CSV."""

from .chart import Chart
from .worldmap import MapState, world_map

__all__ = ["Chart", "MapState", "world_map"]
