"""Size limits the store and the dialogs agree on."""

TITLE_MAX = 300
