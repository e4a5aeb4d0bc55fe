"""Chapter 5 tasks: counting open artifacts, perplexity, bits per character, and a chat in its template's form."""
from __future__ import annotations

import math

from ..checks import Task, call
from ..models import ARTIFACTS, OPEN, REGISTRY


# --- q1: how many artifacts are fully open? -----------------------------------------------------


def _open_count(name: str) -> int:
    return sum(REGISTRY[name].artifacts[a].status == OPEN for a in ARTIFACTS)


def _check_q1(count_open):
    for name in ("gpt-4", "llama-3-8b", "smollm2-135m-instruct", "pythia-70m"):
        got = call(count_open, REGISTRY[name])
        expected = _open_count(name)
        if got != expected:
            partly = sum(REGISTRY[name].artifacts[a].status != "closed" for a in ARTIFACTS)
            if got == partly and partly != expected:
                return "ch05.q1.partly"
            return "ch05.q1.wrong", dict(name=name, expected=expected, got=got)
    return None


q1 = Task("ch05.q1", _check_q1)

# --- q2: perplexity -----------------------------------------------------------------------------


def _check_q2(perplexity):
    for loss in (0.0, 1.0, 2.5):
        got = call(perplexity, loss)
        expected = math.exp(loss)
        if isinstance(got, (int, float)) and loss and math.isclose(got, loss):
            return "ch05.q2.log"
        if not isinstance(got, (int, float)) or not math.isclose(got, expected, rel_tol=1e-6):
            return "ch05.q2.wrong", dict(loss=loss, expected=expected, got=got)
    return None


q2 = Task("ch05.q2", _check_q2)

# --- q3: bits per character ---------------------------------------------------------------------


def _check_q3(bits_per_character):
    cases = ((2.0, 100, 400), (3.2, 250, 1000))
    for loss, tokens, chars in cases:
        got = call(bits_per_character, loss, tokens, chars)
        expected = loss * tokens / chars / math.log(2)
        if not isinstance(got, (int, float)):
            return "ch05.q3.wrong", dict(expected=expected, got=got)
        if math.isclose(got, expected, rel_tol=1e-6):
            continue
        if math.isclose(got, loss / math.log(2), rel_tol=1e-6) or math.isclose(got, loss * tokens / math.log(2), rel_tol=1e-6):
            return "ch05.q3.per_token"
        if math.isclose(got, loss * tokens / chars, rel_tol=1e-6):
            return "ch05.q3.nats"
        return "ch05.q3.wrong", dict(expected=expected, got=got)
    return None


q3 = Task("ch05.q3", _check_q3)

# --- q4: a chat as the model sees it ------------------------------------------------------------


def _check_q4(make_messages):
    system, question = "Antworte kurz.", "Was ist LoRA?"
    got = call(make_messages, system, question)
    if not isinstance(got, list) or len(got) != 2 or not all(isinstance(m, dict) for m in got):
        return "ch05.q4.not_list"
    if [m.get("role") for m in got] != ["system", "user"]:
        return "ch05.q4.order"
    if [m.get("content") for m in got] != [system, question]:
        return "ch05.q4.content"
    return None


q4 = Task("ch05.q4", _check_q4)
