"""Command line: validate and diff recorded FIM responses without writing a test.

``python -m pytest_fim validate PATH...`` checks ``.json`` files (one
response), ``.jsonl`` files (one response a line), ``.sse`` files (a
stream), FIM cassettes (``.yaml``: every recorded response, and any value
that looks like a secret) and directories of them; ``python -m pytest_fim diff A B`` prints
the same diff as :func:`pytest_fim.fim_diff`. Exit status: 0 all good, 1 a
response is invalid or the two differ, 2 a usage error. Installed as the
console script ``pytest-fim`` too.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pytest_fim._text import plural
from pytest_fim.problems import FIMAssertionError, Problem, render

__all__ = ["main"]

EXTENSIONS = (".json", ".jsonl", ".sse", ".yaml", ".yml")
_CASSETTE_EXTENSIONS = (".yaml", ".yml")
#: A pytest-fim cassette's format key, on a line of its own wherever it is (a
#: cassette edited by hand may put comments first or reorder keys); other YAML
#: in a searched directory (a vcrpy cassette beside ours) is passed over.
_CASSETTE_FORMAT = re.compile(rb"""^format:[ \t]*["']?pytest-fim-cassette/""", re.MULTILINE)
#: What the recorder names a cassette: always one of ours, checked whatever it holds.
_CASSETTE_SUFFIX = ".fim.yaml"
EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A command line that cannot be carried out (exit status 2)."""


@dataclass
class Item:
    """One checked response: where it came from and what is wrong with it."""

    source: str
    problems: list[Problem] = field(default_factory=list)
    summary: str = ""


@dataclass
class Report:
    """Counts and invalid items of a ``validate`` run."""

    valid: int = 0
    invalid: list[Item] = field(default_factory=list)
    passed_over: list[Path] = field(default_factory=list)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (never raises)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "validate":
            return _validate(args)
        return _diff(args)
    except UsageError as exc:
        print(f"pytest-fim {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pytest-fim", description="Validate and diff recorded Mistral FIM responses."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser(
        "validate",
        help="validate .json, .jsonl, .sse and cassette files (or directories of them)",
        description="Validate recorded FIM responses: a .json file holds one response, a "
        ".jsonl file one per line, an .sse file a streamed response, a .yaml FIM cassette "
        "one per interaction (and any secret-looking value in it is reported); "
        "directories are searched for those.",
    )
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    check.add_argument(
        "--strict",
        action="store_true",
        help="use the strict profile (what the live API sends today)",
    )
    check.add_argument(
        "--format", choices=("text", "json"), default="text", help="report format (default: text)"
    )
    check.add_argument(
        "-v", "--verbose", action="store_true", help="print a line for every valid item too"
    )
    check.add_argument(
        "-q", "--quiet", action="store_true", help="no progress indication, even on a terminal"
    )
    diff = commands.add_parser(
        "diff",
        help="show how response A differs from expected response B",
        description="Print the structural diff of two responses (A actual, B expected); "
        "exit 0 when they match, 1 when they differ.",
    )
    diff.add_argument("actual", type=Path, metavar="A")
    diff.add_argument("expected", type=Path, metavar="B")
    diff.add_argument(
        "--ignore",
        action="append",
        default=None,
        metavar="PATTERN",
        help="a path pattern to leave out, e.g. 'choices[*].message.tool_calls' "
        "(repeatable; default: id and created)",
    )
    diff.add_argument(
        "--exact", action="store_true", help="fields absent from B count as differences too"
    )
    diff.add_argument(
        "--ignore-order", action="store_true", help="compare lists without regard to order"
    )
    return parser


# ---------------------------------------------------------------- validate


def _validate(args: argparse.Namespace) -> int:
    report = Report()
    files = list(_expand(args.paths, report.passed_over))
    progress = _Progress(sys.stderr, enabled=not args.quiet and args.format == "text")
    out = sys.stdout
    for path in files:
        for item in _check_file(path, strict=args.strict):
            progress.tick()
            if item.problems:
                report.invalid.append(item)
                if args.format == "text":
                    progress.clear()
                    print(render(f"{item.source}: {item.summary}", item.problems), file=out)
            else:
                report.valid += 1
                if args.verbose and args.format == "text":
                    progress.clear()
                    print(f"{item.source}: valid", file=out)
    progress.clear()
    if args.format == "json":
        json.dump(
            {
                "valid": report.valid,
                "invalid": len(report.invalid),
                "passed_over": [str(path) for path in report.passed_over],
                "invalid_items": [
                    {
                        "source": item.source,
                        "summary": item.summary,
                        "problems": [{"path": p.path, "message": p.message} for p in item.problems],
                    }
                    for item in report.invalid
                ],
            },
            out,
            indent=2,
            ensure_ascii=False,
        )
        out.write("\n")
    else:
        if report.passed_over:
            count = len(report.passed_over)
            print(
                f"passed over {plural(count, 'YAML file')} that "
                f"{'is' if count == 1 else 'are'} not a pytest-fim cassette "
                f"(such as {report.passed_over[0]})",
                file=out,
            )
        print(f"{report.valid} valid, {len(report.invalid)} invalid", file=out)
    return EXIT_INVALID if report.invalid else EXIT_OK


def _expand(paths: Sequence[Path], passed_over: list[Path]) -> Iterator[Path]:
    """The files to check under ``paths``; YAML found in a directory that is not
    a cassette is added to ``passed_over`` (a file named outright is checked)."""
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in EXTENSIONS and p.is_file())
            if not found:
                raise UsageError(f"{path}: no {', '.join(EXTENSIONS)} files in this directory")
            for file in found:
                if file.suffix in _CASSETTE_EXTENSIONS and not _is_cassette(file):
                    passed_over.append(file)
                else:
                    yield file
        elif not path.exists():
            raise UsageError(f"{path}: no such file or directory")
        elif path.suffix not in EXTENSIONS:
            raise UsageError(
                f"{path}: unknown extension {path.suffix or '(none)'!r}; "
                f"expected one of {', '.join(EXTENSIONS)} or a directory"
            )
        else:
            yield path


def _is_cassette(path: Path) -> bool:
    if path.name.endswith(_CASSETTE_SUFFIX):
        return True
    try:
        return _CASSETTE_FORMAT.search(path.read_bytes()) is not None
    except OSError:
        return True  # checked, so that the error is reported


def _check_file(path: Path, *, strict: bool) -> Iterator[Item]:
    try:
        if path.suffix in _CASSETTE_EXTENSIONS:
            yield from _check_cassette(path, strict=strict)
        elif path.suffix == ".jsonl":
            yield from _check_lines(path, strict=strict)
        elif path.suffix == ".sse":
            yield _check_stream(path, strict=strict)
        else:
            yield _check_one(path.read_bytes(), str(path), strict=strict)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _check_one(data: Any, source: str, *, strict: bool) -> Item:
    from pytest_fim._response_checks import check_response, summary_line

    try:
        _, problems = check_response(data, strict=strict)
    except FIMAssertionError as exc:  # not JSON at all
        return Item(source, exc.problems or [Problem("", exc.summary)], exc.summary)
    return Item(source, problems, summary_line(len(problems), strict) if problems else "")


def _check_lines(path: Path, *, strict: bool) -> Iterator[Item]:
    # One line at a time: a 1 GB log is checked in constant memory.
    with path.open("rb") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                yield _check_one(line, f"{path}:{number}", strict=strict)


def _check_stream(path: Path, *, strict: bool) -> Item:
    return _check_stream_bytes(path.read_bytes(), str(path), strict=strict)


def _check_stream_bytes(raw: bytes, source: str, *, strict: bool) -> Item:
    from pytest_fim.stream import assert_valid_fim_stream

    try:
        assert_valid_fim_stream(raw, strict=strict)
    except FIMAssertionError as exc:
        return Item(source, exc.problems or [Problem("", exc.summary)], exc.summary)
    return Item(source)


def _check_cassette(path: Path, *, strict: bool) -> Iterator[Item]:
    """One item per recorded interaction, then one per secret-looking value."""
    from pytest_fim.cassette import CassetteFormatError, load_cassette
    from pytest_fim.cassette._secrets import find_secrets

    try:
        cassette = load_cassette(path)
    except ImportError as exc:  # PyYAML missing: the message names the extra
        raise UsageError(f"{path}: {exc}") from None
    except CassetteFormatError as exc:
        message = str(exc).removeprefix(f"{path}: ")  # the item names the file already
        yield Item(str(path), [Problem("", message)], "not a FIM cassette")
        return
    for number, interaction in enumerate(cassette):
        request, response = interaction.request, interaction.response
        source = f"{path}: interactions[{number}] ({request.method} {request.path})"
        if response.status >= 400:
            # A recorded API error is a test's input, not a completion to check.
            yield Item(source)
        elif response.is_stream:
            yield _check_stream_bytes(response.content(), source, strict=strict)
        elif response.text is not None:
            yield _check_one(response.text.encode("utf-8", "replace"), source, strict=strict)
        else:
            yield _check_one(response.body, source, strict=strict)
        secrets = find_secrets(interaction.to_data())
        if secrets:
            yield Item(
                f"{path}: interactions[{number}]",
                [
                    Problem(where, f"{what}: a secret must not be in a cassette")
                    for where, what in secrets
                ],
                f"{plural(len(secrets), 'secret-looking value')}",
            )


class _Progress:
    """A count on the terminal's stderr, redrawn at most a few times a second."""

    def __init__(self, stream: IO[str], *, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled and stream.isatty()
        self.count = 0
        self.shown = False
        self.next_draw = time.monotonic() + 0.5

    def tick(self) -> None:
        self.count += 1
        if self.enabled and self.count % 1000 == 0 and time.monotonic() >= self.next_draw:
            self.stream.write(f"\rchecked {self.count:,} responses…")
            self.stream.flush()
            self.shown = True
            self.next_draw = time.monotonic() + 0.25

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


# ---------------------------------------------------------------- diff


def _diff(args: argparse.Namespace) -> int:
    from pytest_fim.inputs import to_data
    from pytest_fim.match import fim_diff

    sides = []
    for path in (args.actual, args.expected):
        if not path.is_file():
            raise UsageError(f"{path}: no such file")
        try:
            sides.append(to_data(path))
        except (ValueError, FIMAssertionError) as exc:
            raise UsageError(f"{path}: {str(exc).splitlines()[0]}") from None
    ignore = tuple(args.ignore) if args.ignore is not None else ("id", "created")
    try:
        text = fim_diff(
            sides[0], sides[1], ignore=ignore, exact=args.exact, ignore_order=args.ignore_order
        )
    except (TypeError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    if text:
        print(text)
        return EXIT_INVALID
    print("responses match")
    return EXIT_OK
