"""The command line as a user runs it: exit status, what it prints."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pytest_fim import make_fim_response
from pytest_fim.cli import main

RECORDED = Path(__file__).resolve().parents[1] / "examples" / "recorded"


def good() -> str:
    return make_fim_response(seed=1).model_dump_json()


def bad() -> str:
    data = make_fim_response(seed=2).model_dump(mode="json")
    data["usage"]["total_tokens"] = 1
    return json.dumps(data)


def test_valid_files_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.json").write_text(good())
    (tmp_path / "log.jsonl").write_text(good() + "\n\n" + good() + "\n")
    assert main(["validate", str(tmp_path / "a.json"), str(tmp_path / "log.jsonl")]) == 0
    assert capsys.readouterr().out == "3 valid, 0 invalid\n"


def test_invalid_line_is_named_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text(good() + "\n" + bad() + "\n{oops\n")
    assert main(["validate", "-v", str(log)]) == 1
    out = capsys.readouterr().out
    assert f"{log}:1: valid" in out
    assert (
        f"{log}:2: invalid FIM completion response (1 problem):\n"
        "  usage.total_tokens: 1 != prompt_tokens + completion_tokens"
    ) in out
    assert f"{log}:3: invalid FIM completion response (1 problem):\n  not valid JSON" in out
    assert out.endswith("1 valid, 2 invalid\n")


def test_strict_flag(tmp_path: Path) -> None:
    data = make_fim_response(seed=3).model_dump(mode="json")
    del data["created"]
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data))
    assert main(["validate", str(path)]) == 0
    assert main(["validate", "--strict", str(path)]) == 1


def test_json_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "log.jsonl").write_text(good() + "\n" + bad() + "\n")
    assert main(["validate", "--format", "json", str(tmp_path)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] == 1 and report["invalid"] == 1
    item = report["invalid_items"][0]
    assert item["source"].endswith("log.jsonl:2")
    assert item["problems"][0]["path"] == "usage.total_tokens"


def test_directories_are_searched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "r.json").write_text(good())
    (tmp_path / "notes.txt").write_text("ignored")
    assert main(["validate", str(tmp_path)]) == 0
    assert "1 valid, 0 invalid" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "says"),
    [("missing.json", "no such file or directory"), ("notes.txt", "unknown extension '.txt'")],
)
def test_usage_errors_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, says: str
) -> None:
    (tmp_path / "notes.txt").write_text("x")
    assert main(["validate", str(tmp_path / name)]) == 2
    err = capsys.readouterr().err
    assert says in err
    assert len(err.strip().splitlines()) == 1


def test_module_and_console_script_run_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "r.json").write_text(bad())
    result = subprocess.run(
        [sys.executable, "-m", "pytest_fim", "validate", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "usage.total_tokens" in result.stdout
    assert "\r" not in result.stdout + result.stderr  # no progress when piped
    missing = subprocess.run(
        [sys.executable, "-m", "pytest_fim", "validate", "nope.jsonl"],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr
    script = shutil.which("pytest-fim", path=str(Path(sys.executable).parent))
    assert script is not None
    assert subprocess.run([script, "--help"], capture_output=True).returncode == 0


def test_recorded_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(RECORDED / "completion.json")]) == 0
    assert main(["validate", str(RECORDED / "production.jsonl")]) == 1
    assert "production.jsonl:3: invalid" in capsys.readouterr().out


def test_stream_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pytest_fim.stream")
    assert main(["validate", str(RECORDED / "stream.sse")]) == 0
    broken = tmp_path / "broken.sse"
    broken.write_text("data: {oops}\n\n")
    assert main(["validate", str(broken)]) == 1


def test_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pytest_fim.match")
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(make_fim_response("x = 1\n", seed=1).model_dump_json())
    b.write_text(make_fim_response("x = 1\n", seed=2).model_dump_json())
    assert main(["diff", str(a), str(b)]) == 0
    assert main(["diff", str(a), str(b), "--ignore", "created"]) == 1
    assert "id" in capsys.readouterr().out
    b.write_text(make_fim_response("x = 2\n", seed=1).model_dump_json())
    assert main(["diff", str(a), str(b)]) == 1
    assert main(["diff", str(a), str(tmp_path / "none.json")]) == 2
    assert main(["diff", str(a), str(b), "--ignore", "choices[0"]) == 2


def test_recorded_diff_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(RECORDED / "completion.json"), str(RECORDED / "expected.json")]) == 1
    assert capsys.readouterr().out == (
        "FIM response does not match expected (1 difference):\n"
        "  model: changed: expected 'codestral-latest', got 'codestral-2508'\n"
    )
    assert (
        main(
            [
                "diff",
                str(RECORDED / "completion.json"),
                str(RECORDED / "expected.json"),
                "--ignore",
                "model",
            ]
        )
        == 0
    )


def test_progress_on_a_terminal_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from pytest_fim import cli

    log = tmp_path / "big.jsonl"
    log.write_text((good() + "\n") * 3000)
    clock = iter(range(0, 10**6))
    monkeypatch.setattr(cli.time, "monotonic", lambda: float(next(clock)))

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream, shows in ((Terminal(), True), (io.StringIO(), False)):
        monkeypatch.setattr(sys, "stderr", stream)
        assert main(["validate", str(log)]) == 0
        assert ("\rchecked 1,000 responses…" in stream.getvalue()) is shows
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["validate", "-q", str(log)]) == 0
    assert terminal.getvalue() == ""


# ---------------------------------------------------------------- cassettes


def _cassette_file(folder: Path, *, secret: str | None = None) -> Path:
    from pytest_fim.cassette import Cassette, Interaction, RecordedRequest, RecordedResponse

    prompt = "def add(a, b):\n" + (f"    # key {secret}\n" if secret else "")
    request = RecordedRequest(
        "POST", "/v1/fim/completions", {"model": "codestral-latest", "prompt": prompt}
    )
    valid = make_fim_response(seed=4).model_dump(mode="json")
    invalid = json.loads(bad())
    chunk = {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "codestral-latest",
        "choices": [{"index": 0, "delta": {"content": "    return a + b\n"}}],
    }
    last = {
        **chunk,
        "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 5, "completion_tokens": 6, "total_tokens": 11},
    }
    error = {"object": "error", "message": "bad", "type": "invalid_request_error"}
    cassette = Cassette(
        [
            Interaction(request, RecordedResponse(200, body=valid)),
            Interaction(request, RecordedResponse(200, body=invalid)),
            Interaction(request, RecordedResponse(200, events=[chunk, last, "[DONE]"])),
            Interaction(request, RecordedResponse(422, body=error)),
        ]
    )
    return cassette.save(folder / "cassettes" / "test_mod" / "test_one.yaml")


def test_cassette_interactions_are_checked_one_by_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("yaml")
    path = _cassette_file(tmp_path)
    assert main(["validate", "-v", str(tmp_path / "cassettes")]) == 1
    out = capsys.readouterr().out
    assert f"{path}: interactions[0] (POST /v1/fim/completions): valid" in out
    assert (
        f"{path}: interactions[1] (POST /v1/fim/completions): invalid FIM completion "
        "response (1 problem):\n  usage.total_tokens: 1 != prompt_tokens + completion_tokens"
    ) in out
    assert f"{path}: interactions[2] (POST /v1/fim/completions): valid" in out  # the stream
    assert f"{path}: interactions[3] (POST /v1/fim/completions): valid" in out  # an API error
    assert out.endswith("3 valid, 1 invalid\n")


def test_a_secret_in_a_cassette_is_reported_masked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("yaml")
    canary = "sk-proj-" + "Zq7" * 10
    path = _cassette_file(tmp_path, secret=canary)
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}: interactions[0]: 1 secret-looking value" in out
    assert "request.body.prompt: an OpenAI-style key (sk-***)" in out
    assert canary not in out
    assert out.endswith("3 valid, 5 invalid\n")  # one bad response, four secrets


def test_other_yaml_in_a_directory_is_passed_over_but_named_yaml_is_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("yaml")
    _cassette_file(tmp_path)
    vcr = tmp_path / "cassettes" / "test_mod" / "test_vcr.yaml"
    vcr.write_text("interactions:\n- request: {method: GET}\nversion: 1\n")
    assert main(["validate", str(tmp_path / "cassettes")]) == 1
    out = capsys.readouterr().out
    assert f"passed over 1 YAML file that is not a pytest-fim cassette (such as {vcr})" in out
    assert main(["validate", str(vcr)]) == 1
    out = capsys.readouterr().out
    assert (
        f"{vcr}: not a FIM cassette\n"
        "  unsupported cassette format None, expected 'pytest-fim-cassette/1'\n"
    ) in out


def test_a_cassette_edited_by_hand_is_still_checked_in_a_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A comment first and the format key last, and a broken one named .fim.yaml:
    # ours, so checked, not passed over like the vcrpy cassette beside them.
    pytest.importorskip("yaml")
    folder = tmp_path / "cassettes"
    folder.mkdir()
    (folder / "test_edited.yaml").write_text(
        "# reviewed by hand\n"
        "interactions:\n"
        "- response: {status: 200, body: {id: x}}  # not a valid response\n"
        "  request: {method: POST, path: /v1/fim/completions, body: {model: m}}\n"
        'format: "pytest-fim-cassette/1"\n'
    )
    (folder / "test_broken.fim.yaml").write_text("interactions: [\n")
    (folder / "test_vcr.yaml").write_text("interactions: []\nversion: 1\n")
    assert main(["validate", str(folder)]) == 1
    out = capsys.readouterr().out
    assert f"{folder / 'test_edited.yaml'}: interactions[0]" in out
    assert f"{folder / 'test_broken.fim.yaml'}: not a FIM cassette" in out
    assert "passed over 1 YAML file that is not a pytest-fim cassette (such as " in out
    assert str(folder / "test_vcr.yaml") in out


def test_cassettes_without_pyyaml_say_which_extra_to_install(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("format: pytest-fim-cassette/1\ninteractions: []\n")
    monkeypatch.setitem(sys.modules, "yaml", None)  # import yaml now raises ImportError
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert 'pip install "pytest-fim[record]"' in err
    assert str(path) in err
