"""Chapter 9 self-checks and the transparency module: references pass, stubs are 'not attempted', plausible
mistakes fail with a fitting hint."""
from __future__ import annotations

import json

import pytest

from werkstatt import transparency
from werkstatt.checks import Status
from werkstatt.errors import WerkstattError
from werkstatt.exercises import ch09

from exercise_support import assert_rejected, language, reference  # noqa: F401  (language: both editions)


def _fraction(marks):
    return sum(marks.get(key, False) for key in transparency.INDICATOR_KEYS) / len(transparency.INDICATOR_KEYS)


def _only_given(marks):
    return 100 * sum(marks.values()) / max(len(marks), 1)


def _count(marks):
    return sum(marks.get(key, False) for key in transparency.INDICATOR_KEYS)


# Plausible mistakes, each with the hint it must get (tests/test_exercise_checks_catch_mistakes.py runs them).
WRONG_ANSWERS = {
    "ch09.q1": [(dict(ch09.Q1_KEY, b="open"), "ch09.q1.open_weights"),  # the classic: open weights taken for open source
                (dict(ch09.Q1_KEY, e="weights"), "ch09.q1.api"), ({"a": "api"}, "ch09.q1.missing"),
                (dict(ch09.Q1_KEY, d="secret"), "ch09.q1.bad_step"), (dict(ch09.Q1_KEY, d="api"), "ch09.q1.wrong"),
                (["api", "weights", "open", "internal", "api"], "ch09.q1.not_dict")],
    "ch09.q2": [({"training_code"}, "ch09.q2.described"),  # described data taken as published
                ({"training_code", "training_data", "test_data"}, "ch09.q2.too_many"),
                ({"code"}, "ch09.q2.unknown"), ("training_data", "ch09.q2.not_set"), ({"training_data"}, "ch09.q2.wrong")],
    "ch09.q3": [({1: "c", 2: "a", 3: "b", 4: "b"}, "ch09.q3.q1"),  # everything exempt
                ({1: "b", 2: "a", 3: "a", 4: "a"}, "ch09.q3.q2"), ({1: "b", 2: "c", 3: "b", 4: "a"}, "ch09.q3.q3"),
                ({1: "b", 2: "c", 3: "a", 4: "c"}, "ch09.q3.q4"), ({1: "b", 2: "c", 3: "a"}, "ch09.q3.invalid"),
                (["b", "c", "a", "a"], "ch09.q3.not_dict")],
    "ch09.q4": [(_fraction, "ch09.q4.fraction"), (_only_given, "ch09.q4.denominator"), (_count, "ch09.q4.count"),
                (lambda marks: 50, "ch09.q4.fixed"), (lambda marks: 100 * _count(marks) / 13, "ch09.q4.wrong"),
                (lambda marks: f"{100 * _fraction(marks):.0f} %", "ch09.q4.not_number")],
}


@pytest.mark.parametrize("task, solution", [(ch09.q1, "placed"), (ch09.q2, "missing"), (ch09.q3, "answers"),
                                            (ch09.q4, "transparency_score")])
def test_reference_is_accepted_and_the_stub_is_not_attempted(task, solution):
    assert task.evaluate(reference(task)[solution]).ok
    stub = (lambda marks: None) if solution == "transparency_score" else None
    assert task.evaluate(stub).status is Status.UNATTEMPTED


def test_other_correct_forms_are_accepted():
    assert ch09.q2.evaluate(["training_code", "training_data"]).ok
    assert ch09.q3.evaluate({"1": "B", "2": "c", "3": "a", "4": "a"}).ok


def test_plausible_mistakes_get_their_hint():
    for name, wrong in WRONG_ANSWERS.items():
        assert_rejected(getattr(ch09, name.split(".")[1]), wrong)


def test_hints_name_the_articles_and_the_omnibus():
    assert "53" in ch09.q3.evaluate({1: "c", 2: "a", 3: "b", 4: "b"}).message
    assert "51" in ch09.q3.evaluate({1: "b", 2: "a", 3: "a", 4: "a"}).message
    assert "Omnibus" in ch09.q3.evaluate({1: "b", 2: "c", 3: "b", 4: "a"}).message


def test_messages_write_numbers_the_editions_way(language):
    result = ch09.q4.evaluate(lambda marks: 100 * _count(marks) / 13)
    assert {"de": "21,4", "en": "21.4"}[language] in result.message


def test_q4_reference_agrees_with_the_module():
    score = reference(ch09.q4)["transparency_score"]
    for marks in ch09.Q4_CASES + (transparency.smollm2_marks(),):
        assert score(marks) == pytest.approx(transparency.score(marks))


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
