"""FIM cassettes: record real FIM traffic once, replay it in every run.

The public face of the cassette package. :func:`load_cassette` reads a
cassette file into a :class:`Cassette` of :class:`Interaction` objects (each
a :class:`RecordedRequest` and a :class:`RecordedResponse`: status, parsed
body or list of stream events); :meth:`Cassette.find` looks a request up the
way replay does. In tests, mark them ``@pytest.mark.fim_cassette`` or take the
``fim_cassette`` fixture. Needs PyYAML (``pip install "pytest-fim[record]"``).
"""

from __future__ import annotations

from pytest_fim.cassette._format import (
    DONE,
    FORMAT,
    Cassette,
    CassetteFormatError,
    Interaction,
    RecordedRequest,
    RecordedResponse,
    dump_cassette,
    load_cassette,
    loads_cassette,
)
from pytest_fim.cassette._handler import MODES
from pytest_fim.cassette._match import DEFAULT_MATCH_ON, MATCHABLE, Player, match_fields
from pytest_fim.cassette._session import FIMCassette, cassette_path

__all__ = [
    "DEFAULT_MATCH_ON",
    "DONE",
    "FORMAT",
    "MATCHABLE",
    "MODES",
    "Cassette",
    "CassetteFormatError",
    "FIMCassette",
    "Interaction",
    "Player",
    "RecordedRequest",
    "RecordedResponse",
    "cassette_path",
    "dump_cassette",
    "load_cassette",
    "loads_cassette",
    "match_fields",
]
