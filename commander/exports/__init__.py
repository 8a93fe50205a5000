"""Incident documents in the formats other people and tools read."""
