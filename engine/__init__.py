"""Charkh's runtime: BPMN definitions, instances, cartables and their storage.

Imports no web framework, broker or provider. The pure part (parsing, running a
SpiffWorkflow step, cartable rules) lives beside ``store/``, which alone speaks SQL.
"""
