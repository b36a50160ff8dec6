"""Pages of the regions app: regions (`regions.py`), regional plans and their
priorities and documents (`plans.py`), plan updates and their review
(`updates.py`)."""
