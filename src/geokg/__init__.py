"""GeoKG: a validated knowledge graph of geoscience data mining."""

__version__ = "0.1.0"
