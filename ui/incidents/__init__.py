"""The incident list beside the open incident, and declaring a new incident."""
