"""Forms of projects, one module per group of pages."""
