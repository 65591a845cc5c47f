"""Pictures of the record, as SVG written here: each with its text alternative and its CSV.

Plain data in (no store, no analysis): the pages compute the figures and pass them here."""

from .chart import Chart
from .heatmap import RegionCell, region_heatmap
from .timeline import WavePoint, wave_timeline
from .worldmap import MapState, world_map

__all__ = [
    "Chart",
    "MapState",
    "RegionCell",
    "WavePoint",
    "region_heatmap",
    "wave_timeline",
    "world_map",
]
