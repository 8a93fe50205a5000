"""Old paths kept until stream G's imports are rewritten (see each module)."""
