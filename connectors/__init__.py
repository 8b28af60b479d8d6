"""Dramatiq actors and their providers (SMS, email, fax, PDF, webhook): a later issue."""
