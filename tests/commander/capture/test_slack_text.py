"""Slack markup made readable, escapes undone once."""

from __future__ import annotations

import pytest

from commander.capture.slack_text import readable, unescape

NAMES = {"U1": "Ada", "U2": "A&amp;B <Ops>"}


def render(text: str) -> str:
    return readable(text, lambda uid: NAMES.get(uid, uid), {"C1": "inc-7"}.get)


@pytest.mark.parametrize(
    ("slack", "shown"),
    [
        ("ping <@U1>", "ping @Ada"),
        ("<@U9|old-name> and <@U9>", "@old-name and @U9"),
        ("<#C2|payments> <#C1|> <#C3>", "#payments #inc-7 #C3"),
        ("<!here> <!channel> <!everyone|everyone>", "@here @channel @everyone"),
        ("<!subteam^S1|@oncall> <!subteam^S2>", "@oncall @S2"),
        ("<!date^1392734382^{date}|Feb 18, 2014>", "Feb 18, 2014"),
        (
            "<https://x.example/a?b=1&amp;c=2|docs &amp; more>",
            "docs & more (https://x.example/a?b=1&c=2)",
        ),
        ("<https://x.example>", "https://x.example"),
        ("<https://x.example|https://x.example>", "https://x.example"),
        ("<mailto:a@b.example|a@b.example>", "mailto:a@b.example"),
        ("a &lt;b&gt; &amp; c", "a <b> & c"),
        ("typed &amp;lt; literally", "typed &lt; literally"),
        # Markup typed in Slack comes back as typed: untrusted, escaped by whoever shows it.
        ("&lt;script&gt;alert(1)&lt;/script&gt;", "<script>alert(1)</script>"),
    ],
)
def test_tokens_and_escapes(slack: str, shown: str) -> None:
    assert render(slack) == shown


def test_a_looked_up_name_is_not_unescaped_again() -> None:
    assert render("<@U2>") == "@A&amp;B <Ops>"


def test_unescape_only_slacks_three() -> None:
    assert unescape("&quot;&amp;&lt;&gt;&#39;") == "&quot;&<>&#39;"
