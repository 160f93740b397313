"""Files of statements from outside the database (columns id and text, and optionally language,
category, workshop and session) as `idm synthesize --file` and `idm tags suggest` read them."""

from django.core.management.base import BaseCommand, CommandError

from idm.core.command_files import read_input
from idm.core.spreadsheets import ImportFileError, RowError, read_table, text

COLUMNS = ["id", "text", "language", "category", "workshop", "session"]


def read_statements(command: BaseCommand, file: str, *, refused: str) -> list[dict]:
    """Each row's values by column (all of COLUMNS, "" where absent); a row without an id or a
    text, or with an id seen before, is named on stderr and the command stops, saying `refused`."""
    content, name = read_input(file)
    try:
        rows = read_table(content, name, columns=COLUMNS, required=["id", "text"])
        statements, errors, seen = [], [], {}
        for number, values in rows:
            row = {column: text(values.get(column)) for column in COLUMNS}
            if not row["id"]:
                errors.append(RowError(number, "id", "The id is empty."))
            elif row["id"] in seen:
                errors.append(RowError(number, "id", f"The id '{row['id']}' is already on row "
                                                     f"{seen[row['id']]}."))
            else:
                seen[row["id"]] = number
            if not row["text"]:
                errors.append(RowError(number, "text", "The text is empty."))
            statements.append(row)
        if errors:
            raise ImportFileError(errors, COLUMNS)
    except ImportFileError as error:
        for problem in error.errors:
            command.stderr.write(str(problem))
        raise CommandError(f"{len(error.errors)} problem(s) in {name}: {refused}") from None
    return statements
