"""Chapter 9 self-checks and the transparency module: references pass, stubs are 'not attempted', mistakes fail."""
from __future__ import annotations

import json

import pytest

from werkstatt import transparency
from werkstatt.checks import Status
from werkstatt.errors import WerkstattError
from werkstatt.exercises import ch09

from exercise_support import language, reference  # noqa: F401  (language: both editions)


def test_q1_gradient():
    assert ch09.q1.evaluate(reference(ch09.q1)["placed"]).ok
    assert ch09.q1.evaluate(None).status is Status.UNATTEMPTED
    open_weights = dict(ch09.Q1_KEY, b="open")  # the classic: open weights taken for open source
    result = ch09.q1.evaluate(open_weights)
    assert result.status is Status.WRONG and "b" in result.message
    assert ch09.q1.evaluate(dict(ch09.Q1_KEY, e="weights")).status is Status.WRONG
    assert ch09.q1.evaluate({"a": "api"}).status is Status.WRONG
    assert ch09.q1.evaluate(dict(ch09.Q1_KEY, d="secret")).status is Status.WRONG


def test_q2_transparency_score():
    assert ch09.q2.evaluate(reference(ch09.q2)["transparency_score"]).ok
    assert ch09.q2.evaluate(lambda marks: None).status is Status.UNATTEMPTED
    fraction = lambda marks: sum(marks.get(k, False) for k in transparency.INDICATOR_KEYS) / 14  # noqa: E731
    assert "0" in ch09.q2.evaluate(fraction).message and ch09.q2.evaluate(fraction).status is Status.WRONG
    only_given = lambda marks: 100 * sum(marks.values()) / max(len(marks), 1)  # noqa: E731
    result = ch09.q2.evaluate(only_given)
    assert result.status is Status.WRONG and str(len(transparency.INDICATOR_KEYS)) in result.message
    assert ch09.q2.evaluate(lambda marks: 50).status is Status.WRONG


def test_q2_reference_agrees_with_the_module():
    score = reference(ch09.q2)["transparency_score"]
    for marks in ch09.Q2_CASES + (transparency.smollm2_marks(),):
        assert score(marks) == pytest.approx(transparency.score(marks))


def test_q3_missing_artifacts():
    assert ch09.q3.evaluate(reference(ch09.q3)["missing"]).ok
    assert ch09.q3.evaluate(["training_code", "training_data"]).ok
    assert ch09.q3.evaluate(None).status is Status.UNATTEMPTED
    assert ch09.q3.evaluate({"training_code"}).status is Status.WRONG  # described data taken as published
    assert ch09.q3.evaluate({"training_code", "training_data", "test_data"}).status is Status.WRONG
    assert ch09.q3.evaluate({"code"}).status is Status.WRONG
    assert ch09.q3.evaluate("training_data").status is Status.WRONG


def test_q4_eu_ai_act():
    assert ch09.q4.evaluate(reference(ch09.q4)["answers"]).ok
    assert ch09.q4.evaluate(None).status is Status.UNATTEMPTED
    everything_exempt = {1: "c", 2: "a", 3: "b", 4: "b"}
    result = ch09.q4.evaluate(everything_exempt)
    assert result.status is Status.WRONG and "53" in result.message
    assert "51" in ch09.q4.evaluate({1: "b", 2: "a", 3: "a", 4: "a"}).message
    assert ch09.q4.evaluate({1: "b", 2: "c", 3: "a"}).status is Status.WRONG


def test_gradient_steps_from_the_registry():
    assert transparency.registry_step("gpt-4") == "api"
    assert transparency.registry_step("llama-3-8b") == "weights"
    assert transparency.registry_step("olmo-2-7b") == "open"
    assert transparency.gradient_step({"weights": "closed"}) == "internal"
    with pytest.raises(WerkstattError):
        transparency.check_step("half-open")


def test_score_counts_missing_indicators_as_not_disclosed():
    assert transparency.score({}) == 0
    assert transparency.score({key: True for key in transparency.INDICATOR_KEYS}) == 100
    assert transparency.score({"licence": True}) == pytest.approx(100 / len(transparency.INDICATOR_KEYS))
    by_sub = transparency.score_by_subdomain({"data_sources": True})
    assert by_sub["data"] == 50 and by_sub["compute"] == 0
    with pytest.raises(WerkstattError):
        transparency.score({"licence": "yes"})
    with pytest.raises(WerkstattError):
        transparency.score({"licnce": True})


def test_indicators_use_fmti_subdomains():
    assert len(transparency.SUBDOMAINS) == 13
    assert {ind.subdomain for ind in transparency.INDICATORS} <= set(transparency.SUBDOMAINS)
    assert set(transparency.smollm2_evidence()) == set(transparency.INDICATOR_KEYS)


def fake_release(folder, card="---\nlicense: mit\n---\n# x\n## Intended use and limits\n- meant for learning\n"):
    (folder / "data").mkdir(parents=True)
    (folder / "training_code").mkdir()
    (folder / "training_code" / "gpt.py").write_text("# code\n")
    (folder / "data" / "test.txt").write_text("test")
    (folder / "model.safetensors").write_bytes(b"0")
    (folder / "README.md").write_text(card, encoding="utf-8")
    meta = {"parameters": 1000, "time_seconds": 3.0, "final_val_loss": 2.5, "hardware": {"cpu_count": 2},
            "data": {"source": "speeches", "licence": "CC0 1.0", "train": {"characters": 10, "sha256": "ab" * 32}}}
    (folder / "training_metadata.json").write_text(json.dumps(meta))
    return folder


def test_release_evidence_reads_the_files(tmp_path):
    folder = fake_release(tmp_path / "rel")
    marks = transparency.marks_from(transparency.release_evidence(folder))
    assert marks["weights_download"] and marks["training_code"] and marks["licence"] and marks["limitations"]
    assert not marks["feedback_channel"] and not marks["data_labour"]
    (folder / "model.safetensors").unlink()
    assert not transparency.marks_from(transparency.release_evidence(folder))["weights_download"]
    with pytest.raises(WerkstattError):
        transparency.release_evidence(tmp_path / "nothing")


def test_documents_refuse_placeholders_and_raise_the_score(tmp_path):
    folder = fake_release(tmp_path / "rel")
    before = transparency.score(transparency.marks_from(transparency.release_evidence(folder)))
    fields = transparency.template(folder)
    assert "speeches" in fields["curation_rationale"]
    with pytest.raises(WerkstattError):
        transparency.write_documents(folder, fields)
    filled = {key: "Report problems via the issue tracker; speakers are members of parliament."
              for key in fields}
    transparency.write_documents(folder, filled)
    transparency.write_documents(folder, filled)  # writing twice does not duplicate the additions
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert card.count("issue tracker") == len(transparency.CARD_FIELDS)
    assert (folder / "DATA_STATEMENT.md").is_file()
    after = transparency.score(transparency.marks_from(transparency.release_evidence(folder)))
    assert after > before
    with pytest.raises(WerkstattError):
        transparency.unfinished({"favourite_colour": "blue"})


def test_find_release_picks_a_folder_with_metadata(tmp_path):
    assert transparency.find_release(tmp_path) is None
    (tmp_path / "empty").mkdir()
    assert transparency.find_release(tmp_path) is None
    fake_release(tmp_path / "mine")
    assert transparency.find_release(tmp_path).name == "mine"
