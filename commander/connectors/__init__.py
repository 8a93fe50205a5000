"""Provider connectors: turn one composed update into what each provider accepts.

``base`` holds the provider-neutral types and the registry; one module per
provider implements ``Connector``. The outbox (``commander.services.outbox``)
decides when to call ``deliver`` and what to do with the ``Outcome``.
"""
