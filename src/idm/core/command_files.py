"""What the file commands (`idm agenda`, `idm participants`, `idm report`, `idm dialogue`)
share: reading an input file, running an all-or-nothing import with its report, a progress bar,
writing an output file or standard output."""

import json
import sys
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from idm.core.spreadsheets import ImportFileError, check_size


def read_input(file: str) -> tuple[bytes, str]:
    """The file's content and name; one above IDM_IMPORT_MAX_BYTES is refused unread."""
    path = Path(file)
    if not path.is_file():
        raise CommandError(f"no file '{file}'")
    try:
        check_size(path.stat().st_size, path.name)
    except ImportFileError as error:
        raise CommandError(error.errors[0].message) from None
    return path.read_bytes(), path.name


def or_refuse(command: BaseCommand, do_import, name: str, out: str):
    """`do_import()`'s result; or every problem it found said (as JSON with `out == "json"`) and
    a CommandError: nothing was imported."""
    try:
        return do_import()
    except ImportFileError as error:
        if out == "json":
            command.stdout.write(json.dumps({"imported": False, "errors": error.as_json()},
                                            ensure_ascii=False))
        else:
            for problem in error.errors:
                command.stderr.write(str(problem))
        raise CommandError(f"{len(error.errors)} problem(s) in {name}: nothing was "
                           "imported") from None


def run_import(command: BaseCommand, do_import, name: str, out: str, summary) -> None:
    """Calls `do_import()`; reports every problem (as JSON with `out == "json"`) or the result."""
    result = or_refuse(command, do_import, name, out)
    if out == "json":
        command.stdout.write(json.dumps({"imported": True, **result.__dict__}))
    else:
        command.stdout.write(command.style.SUCCESS(summary(result)))


def write_output(command: BaseCommand, content: bytes, output: str | None, default_name: str,
                 *, text: bool) -> None:
    """Text formats go to standard output when no file is named; binary ones to `default_name`."""
    if output is None and text:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return
    path = Path(output or default_name)
    path.write_bytes(content)
    command.stderr.write(f"wrote {path} ({len(content):,} bytes)")


@contextmanager
def progress_bar():
    """A `progress(fraction, message)` for long work: a bar on a terminal, nothing in a pipe."""
    bar = tqdm(total=100, disable=not sys.stderr.isatty(), file=sys.stderr,
               bar_format="{l_bar}{bar}| {postfix}")

    def progress(fraction: float, message: str) -> None:
        bar.n = round(fraction * 100)
        bar.set_postfix_str(message)
        bar.refresh()

    try:
        yield progress
    finally:
        bar.close()
