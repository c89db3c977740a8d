"""Web pages of GeoKG (templates and bundled static assets)."""
