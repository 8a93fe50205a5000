"""Contract servers: each provider's HTTP API as a real server on 127.0.0.1.

They check what the real provider checks (method, path, auth, required fields,
field limits, content type) and answer as it answers (ids, error bodies, 429 and
Retry-After), following ``/work/shared/connectors.md``. They keep what was
accepted (posts, incidents, messages) so a test can look at the provider's side.

Fixtures (``tests/support/contracts/fixtures.py``; import the ones you need into your
``conftest.py``: ``from tests.support.contracts.fixtures import slack_api_server  # noqa: F401``).
Each starts a fresh server for one test and stops it after:

==========================  =======================================================
fixture -> server class     how to point a connector at it
==========================  =======================================================
``statuspage_server``       kind statuspage, ``base_url=server.api_url``, secret
  StatuspageServer          ``server.api_key``, option ``page_id=server.page_id``;
                            ``.incidents``, ``.components`` (API, Checkout),
                            ``.rate`` (60/min), ``.rate_status`` (429 or 420)
``cachet_server``           kind cachet, ``base_url=server.url``, secret
  CachetServer              ``server.token``; ``.incidents``, ``.components`` (1 API,
                            2 Checkout)
``slack_webhook_server``    kind slack-webhook, ``base_url=server.url`` with any
  SlackWebhookServer        ``https://hooks.slack.com`` URL of the same path, or
                            secret ``server.webhook_url``; ``.posts``
``slack_api_server``        kind slack, ``base_url=server.api_url``, secret
  SlackApiServer            ``server.token``, option ``channel=C0INCIDENT`` (or
                            ``#incidents``); ``.messages``, ``.channels``,
                            ``.channel_rate`` (10 per 10 s per channel)
``slack_capture_server``    kind slack, ``base_url=server.api_url``, secret
  SlackCaptureServer        ``server.token``; ``add_channel``, ``add_user``, ``post``,
                            ``react``, ``pin``, ``edit``, ``delete``; ``.tokens``
                            (scopes per token), ``.rates`` per method (off),
                            ``.page_cap``, ``calls()``
``teams_server``            kind teams, secret ``server.webhook_url`` (or a public
  TeamsServer               URL of the same path + ``base_url=server.url``);
                            ``.cards``, ``.rate`` (4/s)
``discord_server``          kind discord, secret ``server.webhook_url`` (or
  DiscordServer             ``https://discord.com/api/webhooks/{id}/{token}`` +
                            ``base_url=server.url``); ``.messages``, ``.rate`` (5/2 s)
``mattermost_server``       kind mattermost, secret ``server.webhook_url``;
  MattermostServer          ``.posts``, ``.channel_locked``, ``.rate`` (off)
``mattermost_api_server``   chat capture (commander/capture/mattermost.py): kind
  MattermostApiServer       mattermost, ``base_url=server.url``, option ``team=ops``,
                            capture token ``server.token``; ``add_channel``, ``post``,
                            ``edit``, ``delete``, ``pin``, ``react``; ``.clock_offset``
                            moves its clock (update_at, Date); ``.rate`` (off)
``matrix_server``           kind matrix, ``base_url=server.url``, secret
  MatrixServer              ``server.access_token``, option ``room_id=server.room_id``;
                            ``.events`` (repeated txnIds answered from memory),
                            ``.rate`` (off)
``pagerduty_server``        kind pagerduty, ``base_url=server.url``, secret
  PagerDutyServer           ``server.routing_key``; ``.alerts`` (dedup_key, status,
                            events), ``.open_alert(key)``, ``.rate`` (120/min)
``smtp_server``             kind email, options ``host=server.host``,
  SmtpServer (aiosmtpd,     ``port=str(server.port)``, ``starttls=false``, ``from``,
  a real SMTP server)       ``to``; secret ``smtp-secret-pass``; ``.received``
                            (parsed messages), ``.refuse[address] = "550 …"``.
                            No failure injection (it is not a ContractServer).
==========================  =======================================================

Every server (``tests.support.contracts.server.ContractServer``) has:

- ``url``: ``http://127.0.0.1:<port>``.
- ``requests``: every request that arrived, in order, as ``Request`` (``method``,
  ``path``, ``query``, ``headers`` lower-cased, ``body``, ``json()``, ``injected``:
  None, or "status"/"throttle"/"hang" when a fault below answered it).
- ``fail_next(n=1, status=500)``: the next n requests get ``status`` with the
  provider's own error body (no side effect on the provider's state).
- ``throttle_next(n=1, retry_after=2.0)``: the next n requests get the provider's
  429 (``Retry-After`` header, plus ``retry_after`` / ``retry_after_ms`` in the body
  where that provider sends them).
- ``hang_next(n=1, seconds=5.0)``: the next n requests wait that long and are THEN
  handled normally (like a provider that got the post but answered too late: a
  client with a shorter timeout sees a timeout, yet the post exists).
- ``now()`` and ``clock_offset``: the server's clock (its ``Date`` header).
- ``reset()``: forget pending faults and the request log (provider state stays).
- Rate windows (``RateWindow``; set ``.limit`` to tighten, ``None`` to switch off)
  where the provider documents one.

Faults are consumed in the order they were queued, one per request, whatever the
path. Servers stop promptly even while a request hangs.
"""
