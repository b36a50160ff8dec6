"""Pages of projects: the main list and its exports (`project_list.py`), the
project record (`record.py`), locations, indicators and the reports reviewed
by headquarters (`reports.py`)."""
