"""Reading a Pol.is export folder (compdemocracy/openData's layout): comments.csv, and votes.csv
(every vote, re-votes included) or participants-votes.csv (the latest vote of each participant on
each comment, with Pol.is's group of each participant). Bad rows are named, nothing is guessed."""

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 200 * 1024 * 1024  # a folder's file larger than this is refused, not read into memory


class ExportError(ValueError):
    """A Pol.is export that cannot be read; the message names the file, the row and the field."""


@dataclass(frozen=True)
class Comment:
    id: str
    text: str
    author: str
    moderated: int  # -1 moderated out, 0 not yet, 1 accepted
    is_meta: bool
    agrees: int  # as counted by Pol.is: every vote, re-votes included
    disagrees: int
    group_informed_consensus: float | None

    @property
    def moderated_out(self) -> bool:
        """Left out of the analysis, as Pol.is leaves it out (conversation.clj mod-update)."""
        return self.moderated == -1 or self.is_meta


@dataclass(frozen=True)
class Export:
    comments: tuple[Comment, ...]
    votes: tuple[tuple[str, str, int, int], ...]  # (participant, comment, vote, time or row order)
    groups: dict[str, int | None]  # Pol.is's group of each participant (participants-votes.csv), if given
    has_history: bool  # votes.csv: every vote in time order; else only the latest votes

    def tallies(self) -> dict[str, Counter]:
        """Agrees and disagrees per comment over every vote in the export, as comments.csv counts them."""
        counts = {"agree": Counter(), "disagree": Counter()}
        for _, comment, vote, _ in self.votes:
            if vote == 1:
                counts["agree"][comment] += 1
            elif vote == -1:
                counts["disagree"][comment] += 1
        return counts


def _rows(path: Path, required: set[str]) -> list[dict]:
    if path.stat().st_size > MAX_BYTES:
        raise ExportError(f"{path.name}: {path.stat().st_size} bytes, more than the {MAX_BYTES} accepted")
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = required - set(reader.fieldnames or [])
            if missing:
                raise ExportError(f"{path.name}: no column {', '.join(sorted(missing))}")
            return list(reader)
    except UnicodeDecodeError as error:
        raise ExportError(f"{path.name}: not UTF-8 text ({error.reason})") from None
    except csv.Error as error:
        raise ExportError(f"{path.name}: {error}") from None


def _integer(path: Path, number: int, row: dict, column: str, allowed=None) -> int:
    value = (row.get(column) or "").strip()
    try:
        result = int(value)
    except ValueError:
        raise ExportError(f"{path.name}, row {number}: {column} {value!r} is not a whole number") from None
    if allowed is not None and result not in allowed:
        raise ExportError(f"{path.name}, row {number}: {column} {value!r} is not one of "
                          f"{', '.join(str(a) for a in sorted(allowed))}")
    return result


def read_export(folder: Path) -> Export:
    """The export in `folder`. Raises ExportError naming what is wrong."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ExportError(f"{folder} is not a folder")
    comments_path = folder / "comments.csv"
    if not comments_path.is_file():
        raise ExportError(f"{folder}: no comments.csv")
    comments, known = [], set()
    for number, row in enumerate(_rows(comments_path, {"comment-id", "comment-body", "moderated"}), start=2):
        identifier = (row["comment-id"] or "").strip()
        if not identifier:
            raise ExportError(f"comments.csv, row {number}: comment-id is empty")
        if identifier in known:
            raise ExportError(f"comments.csv, row {number}: comment-id {identifier} appears twice")
        known.add(identifier)
        consensus = (row.get("group-informed-consensus") or "").strip()
        try:
            consensus_value = float(consensus) if consensus else None
        except ValueError:
            raise ExportError(f"comments.csv, row {number}: group-informed-consensus {consensus!r} is "
                              "not a number") from None
        comments.append(Comment(
            identifier, row["comment-body"] or "", (row.get("author-id") or "").strip(),
            _integer(comments_path, number, row, "moderated", {-1, 0, 1}),
            (row.get("is-meta") or "").strip().lower() == "true",
            _integer(comments_path, number, row, "agrees") if row.get("agrees") else 0,
            _integer(comments_path, number, row, "disagrees") if row.get("disagrees") else 0,
            consensus_value))
    groups: dict[str, int | None] = {}
    matrix_path = folder / "participants-votes.csv"
    latest: list[tuple[str, str, int, int]] = []
    if matrix_path.is_file():
        for number, row in enumerate(_rows(matrix_path, {"participant", "group-id"}), start=2):
            participant = (row["participant"] or "").strip()
            if not participant:
                raise ExportError(f"participants-votes.csv, row {number}: participant is empty")
            group = (row["group-id"] or "").strip()
            groups[participant] = _integer(matrix_path, number, row, "group-id") if group else None
            for column, value in row.items():
                if column in known and value not in ("", None):
                    vote = _integer(matrix_path, number, row, column, {-1, 0, 1})
                    latest.append((participant, column, vote, len(latest)))
    votes_path = folder / "votes.csv"
    if votes_path.is_file():
        history = []
        for number, row in enumerate(_rows(votes_path, {"comment-id", "voter-id", "vote"}), start=2):
            comment = (row["comment-id"] or "").strip()
            if comment not in known:
                raise ExportError(f"votes.csv, row {number}: comment-id {comment!r} is not in comments.csv")
            voter = (row["voter-id"] or "").strip()
            if not voter:
                raise ExportError(f"votes.csv, row {number}: voter-id is empty")
            time = _integer(votes_path, number, row, "timestamp") if row.get("timestamp") else number
            history.append((voter, comment, _integer(votes_path, number, row, "vote", {-1, 0, 1}), time))
        return Export(tuple(comments), tuple(history), groups, True)
    if not matrix_path.is_file():
        raise ExportError(f"{folder}: no votes.csv or participants-votes.csv")
    return Export(tuple(comments), tuple(latest), groups, False)
