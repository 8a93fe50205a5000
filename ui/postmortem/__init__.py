"""The postmortem editor, its action items and exports, and the cross-incident
action items view. Qt only; every rule lives in commander/services and exports."""

from ui.postmortem.install import install

__all__ = ["install"]
