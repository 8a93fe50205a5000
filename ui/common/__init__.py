"""Small widgets and dialogs any part of the window uses."""
