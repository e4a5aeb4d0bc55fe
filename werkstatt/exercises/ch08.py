"""Chapter 8 tasks. Base level (no code writing): what a 50 % score means, the probability gap read off two printed
log-probabilities. Code: the probability gap, paired sentences, your own templates. Challenge: swapping gendered words
with a regular expression, the WEAT effect size."""
from __future__ import annotations

import math
import re

import numpy as np

from .. import bias
from ..checks import call, letter as _letter, Task
from ..i18n import msg, num


def _fake_logprob(prefix: str, continuation: str) -> float:
    """A pretend model with made-up but consistent numbers: log P(text) adds up over its characters."""
    def total(text: str) -> float:
        return -sum(0.5 + ((ord(a) * 7 + ord(b) * 13) % 11) / 4 for a, b in zip("\n" + text, text))
    return total(prefix + continuation) - total(prefix)


def _number(answer) -> float | None:
    """A number the learner typed (a German "-1,8" as text too), or None."""
    if isinstance(answer, bool):
        return None
    if isinstance(answer, str):
        answer = answer.strip().replace(",", ".").replace("−", "-")
    try:
        return float(answer)
    except (TypeError, ValueError):
        return None


# --- q1 (base): what a 50 % score means -----------------------------------------------------------------

def _check_q1(answer):
    return {"b": None, "a": "ch08.q1.free", "c": "ch08.q1.broken"}.get(_letter(answer), "ch08.q1.invalid")


q1 = Task("ch08.q1", _check_q1, level="base")


# --- q2 (base): read the gap off two log-probabilities ----------------------------------------------------

Q2_LOGPROBS = (-9.2, -7.4)  # log P(»eine Frau« | …), log P(»ein Mann« | …) as the notebook's cell prints them


def _check_q2(answer):
    value = _number(answer)
    if value is None:
        return "ch08.q2.invalid"
    a, b = Q2_LOGPROBS
    close = lambda x: abs(value - x) < 0.05  # noqa: E731
    if close(a - b):
        return None
    if close(b - a):
        return "ch08.q2.sign"
    if close(a + b) or close(-(a + b)):
        return "ch08.q2.added"
    if close(a / b) or close(b / a):
        return "ch08.q2.ratio"
    return "ch08.q2.wrong"


q2 = Task("ch08.q2", _check_q2, level="base")


# --- q3: the probability gap ---------------------------------------------------------------------------

_Q3_CASES = [("The nurse said that [X] would be late.", "she", "he"),
             ("[X] is a pilot.", "Emily", "James"),
             ("Im Krankenhaus arbeitet [X]", "eine Pflegerin", "ein Pfleger")]


def _check_q3(probability_gap):
    for template, word_a, word_b in _Q3_CASES:
        got = float(call(probability_gap, _fake_logprob, template, word_a, word_b))
        expected = bias.probability_gap(_fake_logprob, template, word_a, word_b)
        if math.isclose(got, expected, abs_tol=1e-6):
            continue
        if math.isclose(got, -expected, abs_tol=1e-6):
            return "ch08.q3.sign"
        if math.isclose(got, math.exp(expected), rel_tol=1e-6) or math.isclose(got, math.exp(-expected), rel_tol=1e-6):
            return "ch08.q3.ratio"
        before, after = template.split("[X]")
        if after and math.isclose(got, _fake_logprob(before, word_a) - _fake_logprob(before, word_b), abs_tol=1e-6):
            return "ch08.q3.no_rest"
        return "ch08.q3.wrong", dict(template=template, expected=num(expected, 3), got=num(got, 3))
    return None


q3 = Task("ch08.q3", _check_q3)


# --- q4: paired sentences -------------------------------------------------------------------------------

# Two tables: one constant answer or a mistake that happens to fit one table cannot fit both.
_Q4_CASES = (
    ({"a1": -1.0, "b1": -2.0, "a2": -3.0, "b2": -2.5, "a3": -1.0, "b3": -1.0, "a4": -0.5, "b4": -4.0,
      "a5": -2.0, "b5": -2.2}, 3.5 / 5),  # pairs 1, 4, 5 won by A, pair 2 by B, pair 3 a tie
    ({"a1": -4.0, "b1": -2.0, "a2": -3.0, "b2": -3.0, "a3": -1.0, "b3": -1.5, "a4": -6.0, "b4": -4.0},
     1.5 / 4),  # pair 3 won by A, pairs 1 and 4 by B, pair 2 a tie
)


def _check_q4(preference_share):
    answers = []
    for scores, expected in _Q4_CASES:
        logprob = lambda prefix, sentence, scores=scores: scores[sentence]  # noqa: E731
        n = len(scores) // 2
        a, b = [f"a{i}" for i in range(1, n + 1)], [f"b{i}" for i in range(1, n + 1)]
        got = float(call(preference_share, logprob, a, b))
        answers.append(got)
        if math.isclose(got, expected):
            continue
        wins = sum(scores[x] > scores[y] for x, y in zip(a, b))
        ties = sum(scores[x] == scores[y] for x, y in zip(a, b))
        if math.isclose(got, wins / n) or math.isclose(got, (wins + ties) / n):
            return "ch08.q4.ties"
        if got > 1:
            return "ch08.q4.count"
        if math.isclose(got, 1 - expected) or math.isclose(got, (n - wins - ties) / n):
            return "ch08.q4.reversed"
        if len(answers) > 1 and math.isclose(answers[0], got):
            return "ch08.q4.fixed", dict(got=num(got, 2))
        return "ch08.q4.wrong", dict(expected=num(expected, 2), got=num(got, 2))
    return None


q4 = Task("ch08.q4", _check_q4)


# --- q5: your own templates -----------------------------------------------------------------------------

def _check_q5(my_test):
    from ..errors import WerkstattError

    if not isinstance(my_test, dict) or not {"templates", "female", "male"} <= my_test.keys():
        return "ch08.q5.not_dict"
    templates, female, male = my_test["templates"], my_test["female"], my_test["male"]
    try:
        bias.check_pairs(templates, female, "templates", "female")
        bias.check_pairs(female, male, "female", "male")
        for template, a, b in zip(templates, female, male):
            bias.split_at_placeholder(template, a)
            bias.split_at_placeholder(template, b)
            if a == b:
                raise WerkstattError("bias.same_word", word=a)
    except WerkstattError as error:
        return "ch08.q5.problem", dict(problem=str(error))
    if len(templates) < 5:
        return "ch08.q5.too_few", dict(count=len(templates))
    known = set(bias.load_templates("de")["template"]) | set(bias.load_templates("en")["template"])
    copied = next((t for t in templates if t in known), None)
    if copied is not None:
        return "ch08.q5.copied", dict(template=copied)
    return None


q5 = Task("ch08.q5", _check_q5)


def measure(logprob, my_test):
    """Measure the learner's own templates and draw one bar per template; says so when nothing is there yet."""
    import matplotlib.pyplot as plt

    from ..plots import show

    result = q5.evaluate(my_test)
    if not result.ok:  # nothing yet, or a problem the check has already explained: say it again here
        print(msg("ch08.q5.not_attempted") if result.status.value == "unattempted" else result.message)
        return None
    gaps = bias.probability_gaps(logprob, my_test["templates"], my_test["female"], my_test["male"])
    estimate = bias.mean_with_ci(gaps)
    labels = [str(i + 1) for i in range(len(gaps))]
    fig, ax = plt.subplots()
    ax.bar(labels, gaps, color=["#CC79A7" if g > 0 else "#0072B2" for g in gaps])
    ax.axhline(0, color="#000000", linewidth=1)
    ax.set(title=msg("ch08.q5.title"), ylabel=msg("ch08.q5.axis_y"), xlabel=msg("ch08.q5.axis_x"))
    summary = msg("ch08.q5.mean", value=num(estimate.value, 2), low=num(estimate.low, 2), high=num(estimate.high, 2),
                  n=estimate.n)
    show(fig, alt=f"{msg('ch08.q5.title')}: " + ", ".join(f"{l}: {num(g, 2)}" for l, g in zip(labels, gaps))
         + ". " + summary)
    print(summary)
    return estimate


# --- q6: swapping gendered words ------------------------------------------------------------------------

_Q6_PAIRS = [("she", "he"), ("her", "his"), ("woman", "man")]
_Q6_CASES = ["she said he was late", "he thanked her, and she smiled.", "the woman and the man",
             "the theme of the show"]


def _swap_inside_words(text, pairs):
    """The classic mistake: replacing without word boundaries, so "the" becomes "tshe"."""
    mapping = {w: v for female, male in pairs for w, v in ((female, male), (male, female))}
    pattern = "|".join(re.escape(w) for w in sorted(mapping, key=len, reverse=True))
    return re.sub(pattern, lambda match: mapping[match.group(0)], text)


def _check_q6(swap_words):
    for text in _Q6_CASES:
        got = call(swap_words, text, list(_Q6_PAIRS))
        expected = bias.swap_gender(text, _Q6_PAIRS)
        if got == expected:
            continue
        if text == _Q6_CASES[0] and got in ("he said he was late", "she said she was late"):
            return "ch08.q6.one_way", dict(got=got)
        if got == _swap_inside_words(text, _Q6_PAIRS) or text == _Q6_CASES[3]:
            return "ch08.q6.substring", dict(text=text, got=got)
        return "ch08.q6.wrong", dict(text=text, expected=expected, got=got)
    return None


q6 = Task("ch08.q6", _check_q6, level="challenge")


# --- q7: the WEAT effect size ---------------------------------------------------------------------------

def _q7_data():
    rng = np.random.default_rng(8)
    X, Y = rng.normal(size=(6, 4)) * [3, 1, 1, 1], rng.normal(size=(6, 4)) * [1, 2, 1, 1]
    A, B = rng.normal(size=(5, 4)) * 4 + [1, 0, 0, 0], rng.normal(size=(5, 4)) + [0, 1, 0, 0]
    return X, Y, A, B


def _check_q7(effect_size):
    X, Y, A, B = _q7_data()
    got = float(call(effect_size, X.copy(), Y.copy(), A.copy(), B.copy()))
    expected = bias.weat_effect_size(X, Y, A, B)
    if math.isclose(got, expected, rel_tol=1e-6):
        return None
    if math.isclose(got, expected * math.sqrt(12 / 11), rel_tol=1e-6):  # population sd (ddof=0) instead of sample sd
        return "ch08.q7.ddof"
    s = lambda W: (W @ A.T).mean(axis=1) - (W @ B.T).mean(axis=1)  # noqa: E731  (dot products, not cosines)
    raw = np.concatenate([s(X), s(Y)])
    for ddof in (0, 1):
        if math.isclose(got, (s(X).mean() - s(Y).mean()) / raw.std(ddof=ddof), rel_tol=1e-6):
            return "ch08.q7.cosine"
    return "ch08.q7.wrong", dict(expected=num(expected, 3), got=num(got, 3))


q7 = Task("ch08.q7", _check_q7, level="challenge")

