"""Reports across incidents: charts of counts and response times, CSV export."""
