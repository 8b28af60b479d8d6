"""Connector providers by connectorId (``camunda:connector``'s ``connectorId``).

A provider is ``fn(inputs, variables, idempotency_key) -> dict`` whose result becomes process
variables. The SMS, email, fax, PDF and webhook providers come with the connectors issue.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

Provider = Callable[[dict[str, Any], dict[str, Any], str], dict[str, Any] | None]
PROVIDERS: dict[str, Provider] = {}


def provider(connector_id: str) -> Callable[[Provider], Provider]:
    def register(fn: Provider) -> Provider:
        PROVIDERS[connector_id] = fn
        return fn

    return register
