"""Where the evaluation's completions come from: our completion code, answered by fim_mock.

In a real evaluation, fim_complete calls the live API (or replays a cassette);
here fim_mock answers each request with what the model said when this set
was last run (model_outputs.json), so the example runs offline.
"""

import json
from pathlib import Path

import pytest
from completer import fill

MODEL_OUTPUTS = json.loads((Path(__file__).parent / "model_outputs.json").read_text())


@pytest.fixture
def fim_complete(fim_mock):
    def complete(case):
        fim_mock.add_response(content=MODEL_OUTPUTS[case["task_id"]])
        return fill(case["prompt"], case["suffix"], api_key="test-key")

    return complete
