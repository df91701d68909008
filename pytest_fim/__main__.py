"""``python -m pytest_fim``: the command line (see :mod:`pytest_fim.cli`)."""

import sys

from pytest_fim.cli import main

sys.exit(main())
