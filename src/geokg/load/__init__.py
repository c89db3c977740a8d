"""Records → store: the one write path, used by ``geokg load`` and by writes through the API."""
