"""Forms of coordination, one module per kind of record."""
