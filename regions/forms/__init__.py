"""Forms of the regions app: plans and priorities (`plans.py`), plan updates
(`updates.py`)."""
