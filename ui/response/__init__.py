"""The response tools: severity and phase controls, phase bar, checklist, roles, runbooks."""
