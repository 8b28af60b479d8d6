"""Persistence: the only place that speaks SQL. One command, one transaction."""
