"""The ``alkannot`` command line: a thin click layer over :mod:`alkannot.api`.

Subcommands live in their own modules and are imported only when invoked, so ``alkannot --help``
stays fast. Every :class:`~alkannot.errors.AlkannotError` becomes one line on stderr and exit code 2.
"""

from __future__ import annotations

import importlib

import click

from alkannot import __version__

# command name -> (module, attribute, one-line help shown by --help without importing the module)
_COMMANDS = {
    "annotate": (
        "alkannot.cli.annotate",
        "annotate",
        "Annotate one re-biopsy (VCF, CNV, fusions).",
    ),
    "batch": ("alkannot.cli.batch", "batch", "Annotate every sample of a sample sheet."),
    "cohort": (
        "alkannot.cli.cohort",
        "cohort",
        "Summarise annotated samples into a cohort report.",
    ),
    "patient": (
        "alkannot.cli.patient",
        "patient",
        "Build each patient's timeline from its annotated samples.",
    ),
    "catalogue": (
        "alkannot.cli.catalogue",
        "catalogue",
        "List, show, export or validate the catalogue.",
    ),
    "reannotate": (
        "alkannot.cli.reannotate",
        "reannotate",
        "Re-decide stored results with another catalogue version.",
    ),
    "versions": (
        "alkannot.cli.versions",
        "versions",
        "Versions of alkannot, its catalogue and the software it uses.",
    ),
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in _COMMANDS:
            return None
        module, attr, _ = _COMMANDS[cmd_name]
        return getattr(importlib.import_module(module), attr)

    def invoke(self, ctx: click.Context) -> object:
        # User errors become one line on stderr and exit code 2, never a traceback.
        from alkannot.errors import AlkannotError

        try:
            return super().invoke(ctx)
        except AlkannotError as exc:
            click.echo(f"alkannot: error: {exc.one_line()}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            # SIGINT, or SIGTERM turned into one (main): outputs were cleaned up on the way out
            click.echo("alkannot: interrupted; no partial outputs were left", err=True)
            ctx.exit(130)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, _COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="alkannot")
def cli() -> None:
    """alkannot: why did an ALK-positive lung cancer progress, and which drug next?"""


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # unwinds like Ctrl-C, so staging folders are removed


def main(argv: list[str] | None = None) -> None:
    """Console entry point (``alkannot``); SIGTERM and SIGHUP end it as cleanly as SIGINT.

    Standard output that cannot be written (a full disk, a closed pipe) ends the run with one
    line on standard error, never a traceback.
    """
    import errno
    import os
    import signal
    import sys

    signal.signal(signal.SIGTERM, _terminate)
    if hasattr(signal, "SIGHUP"):  # a closed terminal or ssh session: cleaned up alike
        signal.signal(signal.SIGHUP, _terminate)
    try:
        cli.main(args=argv, prog_name="alkannot")
    except OSError as exc:
        if exc.errno not in (errno.EPIPE, errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO):
            raise
        # further writes (the interpreter's own flush at exit) go nowhere
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        if exc.errno != errno.EPIPE:  # a reader that stopped reading is not an error
            click.echo(f"alkannot: error: cannot write the output ({exc.strerror})", err=True)
        raise SystemExit(2 if exc.errno != errno.EPIPE else 1) from None
