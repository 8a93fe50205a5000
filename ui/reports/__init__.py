"""Reports across incidents: charts of counts and response times, CSV export."""

from ui.reports.install import install

__all__ = ["install"]
