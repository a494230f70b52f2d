"""Alembic migrations of the findings store (run through ``reports.migrate``)."""
