"""Chapter 8 self-checks: the reference passes, the stub is 'not attempted', plausible mistakes fail with a fitting hint."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest

from werkstatt.checks import Status
from werkstatt.exercises import ch08

from exercise_support import assert_rejected, language, reference  # noqa: F401  (language: both editions)


def _reversed_sign(logprob, template, a, b):
    before, after = template.split("[X]")
    return logprob(before, b + after) - logprob(before, a + after)


def _ratio(logprob, template, a, b):
    before, after = template.split("[X]")
    return math.exp(logprob(before, a + after) - logprob(before, b + after))


def _without_rest(logprob, template, a, b):
    before, _ = template.split("[X]")
    return logprob(before, a) - logprob(before, b)


def _ties_lost(logprob, sentences_a, sentences_b):
    return np.mean([logprob("", a) > logprob("", b) for a, b in zip(sentences_a, sentences_b)])


def _count(logprob, sentences_a, sentences_b):
    return sum(logprob("", a) > logprob("", b) for a, b in zip(sentences_a, sentences_b)) + 0.5


def _b_wins(logprob, sentences_a, sentences_b):
    return np.mean([1.0 if logprob("", a) < logprob("", b) else 0.0 if logprob("", a) > logprob("", b) else 0.5
                    for a, b in zip(sentences_a, sentences_b)])


def _one_after_the_other(text, pairs):
    for female, male in pairs:
        text = text.replace(female, male).replace(male, female)
    return text


def _substrings(text, pairs):
    mapping = {w: v for f, m in pairs for w, v in ((f, m), (m, f))}
    return re.sub("|".join(sorted(mapping, key=len, reverse=True)), lambda m: mapping[m.group(0)], text)


def _split_on_spaces(text, pairs):
    mapping = {w: v for f, m in pairs for w, v in ((f, m), (m, f))}
    return " ".join(mapping.get(word, word) for word in text.split(" "))


def _her_as_him(text, pairs):
    """What a person would write ("he thanked her" -> "she thanked him"), not what the pairs say."""
    mapping = {w: v for f, m in pairs for w, v in ((f, m), (m, f))}
    mapping["her"] = "him"
    return re.sub(r"\b(" + "|".join(mapping) + r")\b", lambda m: mapping[m.group(0)], text)


def _unit(V):
    return V / np.linalg.norm(V, axis=1, keepdims=True)


def _population_sd(X, Y, A, B):
    X, Y, A, B = _unit(X), _unit(Y), _unit(A), _unit(B)
    s = lambda W: (W @ A.T).mean(axis=1) - (W @ B.T).mean(axis=1)  # noqa: E731
    return (s(X).mean() - s(Y).mean()) / np.concatenate([s(X), s(Y)]).std()


def _dot_products(X, Y, A, B):
    s = lambda W: (W @ A.T).mean(axis=1) - (W @ B.T).mean(axis=1)  # noqa: E731
    return (s(X).mean() - s(Y).mean()) / np.concatenate([s(X), s(Y)]).std(ddof=1)


def _good_test():
    return reference(ch08.q5)["my_test"]


# Plausible mistakes, each with the hint it must get (tests/test_exercise_checks_catch_mistakes.py runs them).
# The probe found the paired-sentence check (then q2, now q4) accepting the constant 0.7: it is here.
def WRONG_ANSWERS():
    good = _good_test()
    return {
        "ch08.q1": [("a", "ch08.q1.free"), ("c", "ch08.q1.broken"), ("50", "ch08.q1.invalid")],
        "ch08.q2": [(1.8, "ch08.q2.sign"), (-16.6, "ch08.q2.added"), (9.2 / 7.4, "ch08.q2.ratio"),
                    (-9.2, "ch08.q2.wrong"), ("B", "ch08.q2.invalid")],
        "ch08.q3": [(_reversed_sign, "ch08.q3.sign"), (_ratio, "ch08.q3.ratio"), (_without_rest, "ch08.q3.no_rest"),
                    (lambda logprob, t, a, b: logprob(t.split("[X]")[0], a + t.split("[X]")[1]), "ch08.q3.wrong")],
        "ch08.q4": [(lambda logprob, a, b: 0.7, "ch08.q4.fixed"), (_ties_lost, "ch08.q4.ties"),
                    (_count, "ch08.q4.count"), (_b_wins, "ch08.q4.reversed")],
        "ch08.q5": [(["[X] is here."] * 5, "ch08.q5.not_dict"),
                    (dict(good, templates=["The doctor is here."] + good["templates"][1:]), "ch08.q5.problem"),
                    (dict(good, male=good["male"][:-1]), "ch08.q5.problem"),
                    (dict(good, male=good["female"][:1] + good["male"][1:]), "ch08.q5.problem"),
                    ({key: value[:3] for key, value in good.items()}, "ch08.q5.too_few"),
                    (dict(good, templates=["The nurse said that [X] would be late."] + good["templates"][1:]),
                     "ch08.q5.copied")],
        "ch08.q6": [(_one_after_the_other, "ch08.q6.one_way"), (_substrings, "ch08.q6.substring"),
                    (_split_on_spaces, "ch08.q6.wrong"), (_her_as_him, "ch08.q6.wrong")],
        "ch08.q7": [(_population_sd, "ch08.q7.ddof"), (_dot_products, "ch08.q7.cosine"),
                    (lambda X, Y, A, B: 0.0, "ch08.q7.wrong")],
    }


@pytest.mark.parametrize("task, solution", [(ch08.q1, "answer_q1"), (ch08.q2, "answer_q2"),
                                            (ch08.q3, "probability_gap"), (ch08.q4, "preference_share"),
                                            (ch08.q5, "my_test"), (ch08.q6, "swap_words"), (ch08.q7, "effect_size")])
def test_reference_is_accepted_and_the_stub_is_not_attempted(task, solution):
    assert task.evaluate(reference(task)[solution]).ok
    stub = None if solution.startswith(("answer_", "my_")) else (lambda *args: None)
    assert task.evaluate(stub).status is Status.UNATTEMPTED


def test_other_correct_forms_are_accepted():
    assert ch08.q1.evaluate("B").ok and ch08.q2.evaluate("-1,8").ok and ch08.q2.evaluate(-9.2 - -7.4).ok


def test_plausible_mistakes_get_their_hint():
    for name, wrong in WRONG_ANSWERS().items():
        assert_rejected(getattr(ch08, name.split(".")[1]), wrong)


def test_the_problem_with_own_templates_is_named():
    good = _good_test()
    assert "[X]" in ch08.q5.evaluate(dict(good, templates=["The doctor is here."] + good["templates"][1:])).message
    assert "3" in ch08.q5.evaluate({key: value[:3] for key, value in good.items()}).message


def test_the_swap_task_says_why_her_becomes_his(language):
    """Issue 17: the check expects "she thanked his"; the text above the task must say so and why."""
    from werkstatt import bias

    assert bias.swap_gender("he thanked her", [("she", "he"), ("her", "his")]) == "she thanked his"
    entry = ch08.q6.reference(language)
    from nbtools import ROOT, read

    cells = read(ROOT / entry["notebook"]).cells
    text = next(cell.source for cell in reversed(cells[:entry["cell"]]) if cell.cell_type == "markdown")
    assert "she thanked his" in text and '("her", "his")' in text and "him" in text


def test_the_base_task_answers_what_the_notebook_shows():
    code = ch08.q2.reference()["code"]
    assert "logprob_a, logprob_b = -9.2, -7.4" in code and ch08.Q2_LOGPROBS == (-9.2, -7.4)


def test_measure_draws_own_templates_and_skips_the_stub(capsys):
    import matplotlib

    matplotlib.use("Agg")
    good = _good_test()
    fake = lambda prefix, continuation: -len(continuation) * 0.5  # noqa: E731  (the shorter word is more likely)
    estimate = ch08.measure(fake, good)
    gaps = [-0.5 * (len(female) - len(male)) for female, male in zip(good["female"], good["male"])]
    assert estimate.value == pytest.approx(sum(gaps) / len(gaps)) and estimate.value < 0
    assert ch08.measure(fake, None) is None
    assert "my_test" in capsys.readouterr().out
    assert ch08.measure(fake, dict(good, male=good["male"][:2])) is None
    assert "2" in capsys.readouterr().out  # the list lengths are named
