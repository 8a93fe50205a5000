"""The response tools: severity and phase controls, phase bar, checklist, roles, runbooks."""

from ui.response.feature import install

__all__ = ["install"]
