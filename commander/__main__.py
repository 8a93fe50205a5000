"""``python -m commander``: the command line without the window."""

from commander.interrupts import run_command


def _main() -> int:
    from commander.cli import main  # imported under run_command: Ctrl-C here is caught too

    return main()


raise SystemExit(run_command("commander", _main))
