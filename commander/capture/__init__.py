"""Chat capture: messages responders pin or mark in an incident's channel, read
from the provider so services/chat_capture.py can put them on the timeline."""
