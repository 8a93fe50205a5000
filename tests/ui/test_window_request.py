import pytest

from ui.window_request import WindowArgs, display_problem, window_args


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], WindowArgs()),
        (["--db", "x.sqlite"], WindowArgs("x.sqlite")),
        (["--db=pg://h/db", "--debug"], WindowArgs("pg://h/db", True)),
        (["list"], None),
        (["--db", "x.sqlite", "show", "INC-1"], None),
        (["--version"], None),
        (["--db"], None),
    ],
)
def test_window_args_only_for_db_and_debug(argv: list[str], expected: WindowArgs | None) -> None:
    assert window_args(argv) == expected


def test_missing_display_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert "xvfb-run" in (display_problem() or "")
    monkeypatch.setenv("DISPLAY", ":97531")
    assert "no X server" in (display_problem() or "")
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert display_problem() is None
