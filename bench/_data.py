"""Where the benchmark scripts find the HumanEval infilling sets.

The folder is given on the command line or by ``$PYTEST_FIM_DATA`` (the
variable the test suite reads); nothing is looked for beside the checkout.
The sets are OpenAI's ``HumanEval-SingleLineInfilling.jsonl.gz`` and
``HumanEval-MultiLineInfilling.jsonl.gz`` from
https://github.com/openai/human-eval-infilling (MIT licence).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

DATA_ENV = "PYTEST_FIM_DATA"
HELP = (
    f"folder with the HumanEval infilling sets (default: ${DATA_ENV}); "
    "they come from https://github.com/openai/human-eval-infilling"
)


def default_folder() -> Path | None:
    """The folder ``$PYTEST_FIM_DATA`` names, or None when it is unset."""
    folder = os.environ.get(DATA_ENV, "")
    return Path(folder) if folder else None


def add_data_argument(parser: argparse.ArgumentParser) -> None:
    """Add the optional positional ``data`` argument, defaulting to ``$PYTEST_FIM_DATA``."""
    parser.add_argument("data", type=Path, nargs="?", default=default_folder(), help=HELP)


def data_folder(parser: argparse.ArgumentParser, folder: Path | None) -> Path:
    """``folder``, checked; exits through ``parser.error`` when it is missing."""
    if folder is None:
        parser.error(f"no data folder: pass it, or set {DATA_ENV}=/path/to/folder")
    if not folder.is_dir():
        parser.error(f"data folder {folder} does not exist")
    return folder
