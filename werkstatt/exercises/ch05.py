"""Chapter 5 tasks. Base level (no code writing): count the fully open artifacts in a printed table, what a
perplexity of 4 means. Code: counting open artifacts, perplexity from the loss, a chat in its template's form.
Challenge: bits per character, so that models with different tokenizers can be compared."""
from __future__ import annotations

import math

from ..checks import call, letter as _letter, Task
from ..i18n import num
from ..models import ARTIFACTS, OPEN, REGISTRY


def _count(name: str, *statuses: str) -> int:
    return sum(REGISTRY[name].artifacts[a].status in statuses for a in ARTIFACTS)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# --- q1 (base): count the fully open artifacts in the printed table ---------------------------------------------

Q1_MODEL = "smollm2-135m-instruct"  # the cell in the notebook prints this model's five artifacts


def _check_q1(answer):
    try:
        value = int(str(answer).strip())
    except ValueError:
        return "ch05.q1.invalid"
    if value == _count(Q1_MODEL, OPEN):
        return None
    if value == _count(Q1_MODEL, OPEN, "partly"):
        return "ch05.q1.partly"
    if value == len(ARTIFACTS):
        return "ch05.q1.all"
    if value == _count(Q1_MODEL, "partly", "closed"):
        return "ch05.q1.not_open"
    return "ch05.q1.wrong"


q1 = Task("ch05.q1", _check_q1, level="base")


# --- q2 (base): what a perplexity of 4 means -------------------------------------------------------------------

def _check_q2(answer):
    return {"b": None, "a": "ch05.q2.percent", "c": "ch05.q2.words"}.get(_letter(answer), "ch05.q2.invalid")


q2 = Task("ch05.q2", _check_q2, level="base")


# --- q3: how many artifacts are fully open? --------------------------------------------------------------------

def _check_q3(count_open):
    for name in ("gpt-4", "llama-3-8b", "smollm2-135m-instruct", "pythia-70m", "all-minilm-l6-v2"):
        got = call(count_open, REGISTRY[name])
        expected = _count(name, OPEN)
        if got == expected:
            continue
        if got == _count(name, OPEN, "partly"):
            return "ch05.q3.partly"
        if got == _count(name, "closed"):
            return "ch05.q3.closed"
        if got == len(ARTIFACTS):
            return "ch05.q3.all"
        return "ch05.q3.wrong", dict(name=name, expected=expected, got=got)
    return None


q3 = Task("ch05.q3", _check_q3)


# --- q4: perplexity ----------------------------------------------------------------------------------------------

def _check_q4(perplexity):
    for loss in (1.0, 2.5, 0.0):  # 0 last: a loss of 0 gives 1 for e**loss, 2**loss and 10**loss alike
        got = call(perplexity, loss)
        expected = math.exp(loss)
        if _is_number(got) and math.isclose(got, expected, rel_tol=1e-6):
            continue
        if not _is_number(got):
            return "ch05.q4.not_number", dict(got=repr(got))
        if math.isclose(got, loss):
            return "ch05.q4.log"
        if math.isclose(got, 2 ** loss) or math.isclose(got, 10 ** loss):
            return "ch05.q4.base"
        if math.isclose(got, 1 / expected) or math.isclose(got, math.log(loss) if loss > 0 else math.nan):
            return "ch05.q4.inverse"
        return "ch05.q4.wrong", dict(loss=num(loss, 1), expected=num(expected, 4), got=num(got, 4))
    return None


q4 = Task("ch05.q4", _check_q4)


# --- q5: a chat as the model sees it -----------------------------------------------------------------------------

def _check_q5(make_messages):
    for system, question in (("Antworte kurz.", "Was ist LoRA?"), ("Answer in English.", "Wer hat das Modell gebaut?")):
        got = call(make_messages, system, question)
        if not isinstance(got, list) or not all(isinstance(m, dict) for m in got):
            return "ch05.q5.not_list"
        if len(got) != 2:
            return "ch05.q5.count", dict(got=len(got))
        if [set(m) for m in got] != [{"role", "content"}] * 2:
            return "ch05.q5.keys", dict(keys=", ".join(sorted(set().union(*got))))
        roles = [m["role"] for m in got]
        if roles == ["user", "system"]:
            return "ch05.q5.order"
        if roles != ["system", "user"]:
            return "ch05.q5.roles", dict(roles=", ".join(map(str, roles)))
        if [m["content"] for m in got] != [system, question]:
            return "ch05.q5.content"
    return None


q5 = Task("ch05.q5", _check_q5)


# --- q6 (challenge): bits per character ---------------------------------------------------------------------------

def _check_q6(bits_per_character):
    for loss, tokens, chars in ((2.0, 100, 400), (3.2, 250, 1000), (1.5, 300, 300)):
        got = call(bits_per_character, loss, tokens, chars)
        expected = loss * tokens / chars / math.log(2)
        if not _is_number(got):
            return "ch05.q6.not_number", dict(got=repr(got))
        if math.isclose(got, expected, rel_tol=1e-6):
            continue
        if math.isclose(got, loss / math.log(2), rel_tol=1e-6) or math.isclose(got, loss * tokens / math.log(2), rel_tol=1e-6):
            return "ch05.q6.per_token"
        if math.isclose(got, loss * tokens / chars, rel_tol=1e-6):
            return "ch05.q6.nats"
        if math.isclose(got, loss * chars / tokens / math.log(2), rel_tol=1e-6):
            return "ch05.q6.upside_down"
        if math.isclose(got, loss * tokens / chars * math.log(2), rel_tol=1e-6):
            return "ch05.q6.times_ln2"
        return "ch05.q6.wrong", dict(expected=num(expected, 4), got=num(got, 4))
    return None


q6 = Task("ch05.q6", _check_q6, level="challenge")
