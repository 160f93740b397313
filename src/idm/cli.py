"""`idm`: the product's command line; every Django management command works too (idm migrate)."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idm.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["idm", *(sys.argv[1:] if argv is None else argv)])
    except BrokenPipeError:
        # `idm ... | head` closed the pipe: stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":
    main()
