"""What may happen to an incident. Each call is one transaction: the change
and its timeline entry are written together or not at all."""
