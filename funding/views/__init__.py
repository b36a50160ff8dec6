"""Pages of the funding app, one module per kind of record."""
