"""Pages of coordination: the overview (`home.py`), organisations, bodies and
their members, meetings with their decisions and documents, decisions, and
the calendar feeds."""
