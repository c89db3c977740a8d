"""Input adapters: turn outside documents into (draft) records."""
