"""Scenario files as data: schema, loading, error reports. Nothing here runs a model."""
