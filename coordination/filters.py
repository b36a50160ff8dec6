"""Filters of the coordination lists."""
