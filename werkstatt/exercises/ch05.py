"""Chapter 5 tasks: counting open artifacts, perplexity, bits per character, and a chat in its template's form."""
from __future__ import annotations

import math

from ..checks import Task, call
from ..i18n import register
from ..models import ARTIFACTS, OPEN, REGISTRY

register({
    "ch05.q1.partly": {
        "de": "Du zählst auch »teilweise« offene Artefakte mit. Gesucht sind nur die ganz offenen (status == \"open\").",
        "en": "You also count 'partly' open artifacts. Only the fully open ones count (status == \"open\").",
    },
    "ch05.q1.wrong": {
        "de": "Für {name} erwarte ich {expected}, bekommen habe ich {got}. Gehe über alle fünf Artefakte in entry.artifacts.",
        "en": "For {name} I expect {expected}, but got {got}. Loop over all five artifacts in entry.artifacts.",
    },
    "ch05.q2.log": {
        "de": "Das ist der Verlust selbst, keine Perplexität. Perplexität = e hoch Verlust: math.exp(loss).",
        "en": "That is the loss itself, not the perplexity. Perplexity = e to the power of the loss: math.exp(loss).",
    },
    "ch05.q2.wrong": {
        "de": "Für den Verlust {loss} erwarte ich {expected:.4f}, bekommen habe ich {got}.",
        "en": "For the loss {loss} I expect {expected:.4f}, but got {got}.",
    },
    "ch05.q3.per_token": {
        "de": "Du teilst nicht durch die Zahl der Zeichen. Gesamtverlust = Verlust pro Token × Token; dann durch Zeichen teilen.",
        "en": "You do not divide by the number of characters. Total loss = loss per token × tokens; then divide by characters.",
    },
    "ch05.q3.nats": {
        "de": "Fast: Das Ergebnis ist noch in nats. Teile zum Schluss durch math.log(2), um Bits zu bekommen.",
        "en": "Almost: the result is still in nats. Finally divide by math.log(2) to get bits.",
    },
    "ch05.q3.wrong": {
        "de": "Erwartet {expected:.4f}, bekommen {got}. Bits pro Zeichen = Verlust × Token / Zeichen / ln 2.",
        "en": "Expected {expected:.4f}, got {got}. Bits per character = loss × tokens / characters / ln 2.",
    },
    "ch05.q4.not_list": {
        "de": "Gib eine Liste von zwei Wörterbüchern zurück: [{{\"role\": \"system\", ...}}, {{\"role\": \"user\", ...}}].",
        "en": "Return a list of two dictionaries: [{{\"role\": \"system\", ...}}, {{\"role\": \"user\", ...}}].",
    },
    "ch05.q4.order": {
        "de": "Die Systemanweisung kommt zuerst, danach die Frage der Person (role \"user\").",
        "en": "The system prompt comes first, then the person's question (role \"user\").",
    },
    "ch05.q4.content": {
        "de": "Die Rollen stimmen, aber die Texte nicht: »content« soll genau die übergebenen Texte enthalten.",
        "en": "The roles are right, but the texts are not: 'content' must hold exactly the texts passed in.",
    },
})

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


q1 = Task("ch05.q1", _check_q1, hint={
    "de": "entry.artifacts ist ein Wörterbuch: Name → Artefakt. Jedes Artefakt hat .status (\"open\", \"partly\" oder \"closed\").",
    "en": "entry.artifacts is a dictionary: name → artifact. Each artifact has .status (\"open\", \"partly\" or \"closed\").",
}, solution="""
def count_open(entry):
    return sum(1 for artifact in entry.artifacts.values() if artifact.status == "open")
""")

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


q2 = Task("ch05.q2", _check_q2, hint={
    "de": "Perplexität = e hoch Verlust. In Python: math.exp(loss).",
    "en": "Perplexity = e to the power of the loss. In Python: math.exp(loss).",
}, solution="""
def perplexity(loss):
    return math.exp(loss)
""")

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


q3 = Task("ch05.q3", _check_q3, hint={
    "de": "Erst den Gesamtverlust in nats: loss * tokens. Dann pro Zeichen: / chars. Dann in Bits: / math.log(2).",
    "en": "First the total loss in nats: loss * tokens. Then per character: / chars. Then in bits: / math.log(2).",
}, solution="""
def bits_per_character(loss, tokens, chars):
    return loss * tokens / chars / math.log(2)
""")

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


q4 = Task("ch05.q4", _check_q4, hint={
    "de": "Jede Nachricht ist ein Wörterbuch mit \"role\" und \"content\". Die Rolle der Systemanweisung heißt \"system\", die der Frage \"user\".",
    "en": "Each message is a dictionary with \"role\" and \"content\". The system prompt's role is \"system\", the question's is \"user\".",
}, solution="""
def make_messages(system, question):
    return [{"role": "system", "content": system}, {"role": "user", "content": question}]
""")
