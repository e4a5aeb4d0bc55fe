"""Chapter 7 tasks. Base level (no code writing): what always guessing the most frequent party reaches, read off a
count; which of two layers tells more, read off real and control accuracy. Code: the guessing baseline, selectivity
per layer, the most selective layer. Challenge: mean pooling that leaves out the padding tokens."""
from __future__ import annotations

from ..checks import call, letter as _letter, numbers_text, Task
from ..i18n import num


def _number(answer) -> float | None:
    """A number the learner typed (a German "0,6" as text too), or None."""
    if isinstance(answer, bool):
        return None
    if isinstance(answer, str):
        answer = answer.strip().replace(",", ".")
    try:
        return float(answer)
    except (TypeError, ValueError):
        return None


# --- q1 (base): what does always guessing the most frequent party reach? ------------------------------------

Q1_COUNTS = {"SPD": 12, "CDU/CSU": 6, "Grüne": 2}  # the cell in the notebook prints these counts


def _check_q1(answer):
    value = _number(answer)
    if value is None:
        return "ch07.q1.invalid"
    total, most = sum(Q1_COUNTS.values()), max(Q1_COUNTS.values())
    if abs(value - most / total) < 0.005:
        return None
    if abs(value - 100 * most / total) < 0.5:
        return "ch07.q1.percent"
    if abs(value - 1 / len(Q1_COUNTS)) < 0.005 or abs(value - 0.5) < 0.005:
        return "ch07.q1.uniform"
    if value == most:
        return "ch07.q1.count"
    return "ch07.q1.wrong"


q1 = Task("ch07.q1", _check_q1, level="base")


# --- q2 (base): which layer tells more? ---------------------------------------------------------------------

def _check_q2(answer):
    return {"b": None, "a": "ch07.q2.accuracy", "c": "ch07.q2.same"}.get(_letter(answer), "ch07.q2.invalid")


q2 = Task("ch07.q2", _check_q2, level="base")


# --- q3: what guessing reaches ----------------------------------------------------------------------------

_Q3_CASES = (["A", "B", "C", "A", "B", "A", "D", "E", "F", "G"],  # ten labels, seven parties: 0,3, not 1/7 or 1/2
             ["SPD", "SPD", "CDU/CSU", "SPD"],                 # 3 of 4
             ["Lab", "Con", "Lab", "Con", "Con", "Con"])       # the most frequent label is not the first one


def _check_q3(majority_share):
    for labels in _Q3_CASES:
        got = call(majority_share, list(labels))
        expected = max(labels.count(x) for x in set(labels)) / len(labels)
        value = _number(got) if not isinstance(got, str) else None
        if value is not None and abs(value - expected) < 1e-9:
            continue
        if value is not None and abs(value - 0.5) < 1e-9:
            return "ch07.q3.half"
        if value is not None and abs(value - 1 / len(set(labels))) < 1e-9:
            return "ch07.q3.uniform"
        if value == max(labels.count(x) for x in set(labels)):
            return "ch07.q3.count"
        return "ch07.q3.wrong", dict(labels=labels, expected=num(expected, 3),
                                     got=num(value, 3) if value is not None else repr(got))
    return None


q3 = Task("ch07.q3", _check_q3)


# --- q4: selectivity ----------------------------------------------------------------------------------------

# The second case has a layer where the control task beats the real one: its selectivity is negative.
_Q4_CASES = (([0.5, 0.7, 0.9], [0.5, 0.6, 0.5]), ([0.6, 0.8, 0.7, 0.9], [0.7, 0.5, 0.75, 0.6]))


def _check_q4(selectivity):
    for real, control in _Q4_CASES:
        got = call(selectivity, list(real), list(control))
        expected = [r - c for r, c in zip(real, control)]
        try:
            values = [float(v) for v in got]
        except (TypeError, ValueError):
            return "ch07.q4.not_list"
        if len(values) != len(expected):
            return "ch07.q4.length", dict(expected=len(expected), got=len(values))
        if all(abs(v - e) < 1e-6 for v, e in zip(values, expected)):
            continue
        if all(abs(v + e) < 1e-6 for v, e in zip(values, expected)):
            return "ch07.q4.order"
        if all(abs(v - abs(e)) < 1e-6 for v, e in zip(values, expected)):
            return "ch07.q4.abs"
        if all(abs(v - r / c) < 1e-6 for v, r, c in zip(values, real, control)):
            return "ch07.q4.ratio"
        return "ch07.q4.wrong", dict(expected=numbers_text(expected, 2), got=numbers_text(values, 2))
    return None


q4 = Task("ch07.q4", _check_q4)


# --- q5: the most selective layer ---------------------------------------------------------------------------

# Each case separates the plausible mistakes: the best real accuracy, the largest ratio real/control, the middle
# layer and a fixed number all point elsewhere in at least one case.
_Q5_CASES = (([0.55, 0.9, 0.8, 0.7], [0.5, 0.85, 0.5, 0.6]),                       # answer 2
             ([0.3, 0.9, 0.8, 0.7, 0.6], [0.1, 0.5, 0.6, 0.6, 0.55]),                # answer 1; the ratio says 0
             ([0.7, 0.75, 0.6, 0.8, 0.95, 0.85, 0.6, 0.5], [0.6, 0.6, 0.55, 0.3, 0.9, 0.7, 0.55, 0.45]))  # 3; best real: 4


def _best(values) -> int:
    return max(range(len(values)), key=lambda i: values[i])


def _check_q5(best_layer):
    answers = []
    for real, control in _Q5_CASES:
        got = call(best_layer, list(real), list(control))
        if isinstance(got, bool) or not isinstance(got, (int, float)) or not float(got).is_integer():
            return "ch07.q5.not_number", dict(got=repr(got))
        answers.append(int(got))
    if answers == [len(real) // 2 for real, _ in _Q5_CASES]:
        return "ch07.q5.middle"
    if len(set(answers)) == 1:
        return "ch07.q5.fixed", dict(got=answers[0])
    for (real, control), got in zip(_Q5_CASES, answers):
        expected = _best([r - c for r, c in zip(real, control)])
        if got == expected:
            continue
        if got == _best(real):
            return "ch07.q5.real"
        if got == _best([r / c for r, c in zip(real, control)]):
            return "ch07.q5.ratio"
        if got == expected + 1:
            return "ch07.q5.from_one"
        return "ch07.q5.wrong", dict(expected=expected, got=got)
    return None


q5 = Task("ch07.q5", _check_q5)


# --- q6 (challenge): mean pooling with a mask -----------------------------------------------------------------

def _check_q6(mean_pool):
    import torch

    hidden = torch.arange(24, dtype=torch.float32).view(2, 3, 4)
    for mask in (torch.tensor([[1, 1, 0], [1, 1, 1]]), torch.tensor([[1, 0, 0], [1, 1, 0]])):
        got = torch.as_tensor(call(mean_pool, hidden.clone(), mask.clone()), dtype=torch.float32)
        expected = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
        if tuple(got.shape) != (2, 4):
            return "ch07.q6.shape", dict(expected=(2, 4), got=tuple(got.shape))
        if torch.allclose(got, expected):
            continue
        if torch.allclose(got, hidden.mean(1)):
            return "ch07.q6.padding"
        if torch.allclose(got, (hidden * mask[..., None]).mean(1)):
            return "ch07.q6.divided_by_all"
        return "ch07.q6.wrong"
    return None


q6 = Task("ch07.q6", _check_q6, level="challenge")
