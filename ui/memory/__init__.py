"""Memory across incidents: search every timeline, similar past incidents."""
