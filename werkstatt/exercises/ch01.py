"""Chapter 1 tasks: counting pairs, next-character probabilities, temperature, the average loss, a misconception."""
from __future__ import annotations

import math
from collections import Counter

import numpy as np

from ..checks import Task, call
from ..i18n import num, register

register({
    "ch01.q1.wrong_single": {
        "de": "Du zählst einzelne Zeichen. Gesucht sind Paare: (Zeichen, nächstes Zeichen) – Tipp: zip(text, text[1:]).",
        "en": "You count single characters. We need pairs: (character, next character) – hint: zip(text, text[1:]).",
    },
    "ch01.q1.wrong_counts": {
        "de": "Für den Text »{text}« stimmt die Zählung noch nicht: Das Paar {pair} kommt {expected}-mal vor, "
              "bei dir steht {got}.",
        "en": "For the text '{text}' the counts are not right yet: the pair {pair} occurs {expected} times, "
              "yours says {got}.",
    },
    "ch01.q2.not_dict": {
        "de": "Gib ein Wörterbuch (dict) zurück: {{nächstes Zeichen: Wahrscheinlichkeit}}.",
        "en": "Return a dictionary (dict): {{next character: probability}}.",
    },
    "ch01.q2.not_normalised": {
        "de": "Die Werte ergeben zusammen {total} statt 1. Teile jede Anzahl durch die Summe aller Anzahlen für dieses Zeichen.",
        "en": "The values add up to {total} instead of 1. Divide each count by the total of all counts for this character.",
    },
    "ch01.q2.wrong_values": {
        "de": "Die Summe ist 1, aber die Werte passen nicht zu den Zählungen. Zählst du die Paare, die mit dem Zeichen BEGINNEN?",
        "en": "They add up to 1, but the values do not match the counts. Do you count the pairs that START with the character?",
    },
    "ch01.q3.same": {
        "de": "Die Verteilung hat sich nicht verändert. Temperatur wirkt als Exponent: p ** (1 / T), danach neu normieren.",
        "en": "The distribution did not change. Temperature works as an exponent: p ** (1 / T), then normalise again.",
    },
    "ch01.q3.caret": {
        "de": "In Python schreibt man »hoch« als ** (zwei Sternchen), nicht als ^. Beispiel: 0.5 ** 2 ergibt 0.25.",
        "en": "In Python, 'to the power of' is written ** (two asterisks), not ^. Example: 0.5 ** 2 gives 0.25.",
    },
    "ch01.q3.wrong": {
        "de": "Bei T = {temperature} erwarte ich {expected}, bekommen habe ich {got}. Teilst du durch T im Exponenten und normierst danach?",
        "en": "At T = {temperature} I expect {expected}, but got {got}. Do you divide by T in the exponent and normalise afterwards?",
    },
    "ch01.q4.sign": {
        "de": "Der Verlust ist negativ. Verlust = MINUS Mittelwert der Logarithmen – Wahrscheinlichkeiten unter 1 haben negative Logarithmen.",
        "en": "The loss is negative. Loss = MINUS the mean of the logarithms – probabilities below 1 have negative logarithms.",
    },
    "ch01.q4.base": {
        "de": "Fast richtig – aber du rechnest mit log2 (Bits). Im Kurs nutzen wir den natürlichen Logarithmus (math.log).",
        "en": "Almost – but you use log2 (bits). The course uses the natural logarithm (math.log).",
    },
    "ch01.q4.wrong": {
        "de": "Erwartet {expected}, bekommen {got}. Bilde den Mittelwert von -log p über alle Nachbarpaare des Textes.",
        "en": "Expected {expected}, got {got}. Take the mean of -log p over all neighbouring pairs of the text.",
    },
    "ch01.q4.pairs": {
        "de": "Fast! Ein Text mit n Zeichen hat nur n − 1 Nachbarpaare. Teile durch die Anzahl der Paare, nicht der Zeichen.",
        "en": "Almost! A text with n characters has only n − 1 neighbouring pairs. Divide by the number of pairs, not characters.",
    },
    "ch01.q4.call": {
        "de": "probability ist eine Funktion: Du rufst sie mit runden Klammern auf, also probability(current, following).",
        "en": "probability is a function: you call it with round brackets, as in probability(current, following).",
    },
    "ch01.q5.wrong": {
        "de": "Schau dir noch einmal an, woher jedes Zeichen im erzeugten Text kommt: aus einer Tabelle mit Zählungen, nicht aus gespeicherten Sätzen.",
        "en": "Look again at where each generated character comes from: a table of counts, not stored sentences.",
    },
    "ch01.q5.invalid": {
        "de": "Antworte mit einem Buchstaben: \"a\", \"b\" oder \"c\".",
        "en": "Answer with one letter: \"a\", \"b\" or \"c\".",
    },
})

# --- q1: bigram counts -------------------------------------------------------------------------

def _check_q1(bigram_counts):
    for text in ("Hallo, Halle!", "abab", "Meine Damen und Herren"):
        got = call(bigram_counts, text)
        expected = Counter(zip(text, text[1:]))
        if dict(got) == dict(Counter(text)):
            return "ch01.q1.wrong_single"
        if dict(got) != dict(expected):
            pair = next((p for p in expected if got.get(p, 0) != expected[p]), None) or next(iter(got))
            return "ch01.q1.wrong_counts", dict(text=text, pair=pair, expected=expected.get(pair, 0),
                                                got=got.get(pair, 0))
    return None


q1 = Task("ch01.q1", _check_q1, hint={
    "de": "zip(text, text[1:]) liefert alle Nachbarpaare. Counter zählt sie für dich.",
    "en": "zip(text, text[1:]) gives all neighbouring pairs. Counter counts them for you.",
}, solution="""
def bigram_counts(text):
    return Counter(zip(text, text[1:]))
""")


# --- q2: next-character probabilities ---------------------------------------------------------

def _check_q2(next_char_probabilities):
    counts = Counter({("a", "b"): 3, ("a", "c"): 1, ("b", "a"): 2, ("c", "a"): 5})
    got = call(next_char_probabilities, counts, "a")
    if not isinstance(got, dict):
        return "ch01.q2.not_dict"
    total = sum(got.values())
    if not math.isclose(total, 1.0, rel_tol=1e-6):
        return "ch01.q2.not_normalised", dict(total=num(total, 3))
    expected = {"b": 0.75, "c": 0.25}
    cleaned = {k: v for k, v in got.items() if v > 0}
    if cleaned.keys() != expected.keys() or any(not math.isclose(cleaned[k], v) for k, v in expected.items()):
        return "ch01.q2.wrong_values"
    return None


q2 = Task("ch01.q2", _check_q2, hint={
    "de": "Nimm nur die Paare (a, b), deren erstes Zeichen a das gesuchte ist, und teile jede Anzahl durch deren Summe.",
    "en": "Keep only the pairs (a, b) whose first character a is the one asked for, and divide each count by their total.",
}, solution="""
def next_char_probabilities(counts, char):
    row = {second: n for (first, second), n in counts.items() if first == char}
    total = sum(row.values())
    return {second: n / total for second, n in row.items()}
""")


# --- q3: temperature ---------------------------------------------------------------------------

def _check_q3(apply_temperature):
    probs = np.array([0.6, 0.3, 0.1])
    for temperature in (0.5, 2.0):
        try:
            got = np.asarray(call(apply_temperature, probs.copy(), temperature), dtype=float)
        except TypeError as error:
            if "xor" in str(error):  # p ^ (1 / T): Python's ^ is not "to the power of"
                return "ch01.q3.caret"
            raise
        expected = probs ** (1 / temperature) / (probs ** (1 / temperature)).sum()
        if got.shape == probs.shape and np.allclose(got, probs):
            return "ch01.q3.same"
        if got.shape != probs.shape or not np.allclose(got, expected, atol=1e-6):
            return "ch01.q3.wrong", dict(temperature=temperature, expected=np.round(expected, 3),
                                         got=np.round(got, 3))
    return None


q3 = Task("ch01.q3", _check_q3, hint={
    "de": "Potenziere jede Wahrscheinlichkeit mit 1 / T und teile danach durch die Summe, damit wieder 1 herauskommt.",
    "en": "Raise each probability to the power 1 / T, then divide by the sum so they add up to 1 again.",
}, solution="""
def apply_temperature(probs, temperature):
    weights = probs ** (1 / temperature)
    return weights / weights.sum()
""")


# --- q4: average loss --------------------------------------------------------------------------

_Q4_PROBS = {("a", "b"): 0.5, ("b", "a"): 0.25, ("a", "a"): 0.5, ("b", "b"): 0.75}


def _check_q4(average_loss):
    text = "abbaab"
    probability = lambda current, following: _Q4_PROBS[(current, following)]  # noqa: E731
    try:
        got = float(call(average_loss, probability, text))
    except TypeError as error:
        if "subscriptable" in str(error):  # probability[...] instead of probability(...)
            return "ch01.q4.call"
        raise
    logs = [math.log(_Q4_PROBS[pair]) for pair in zip(text, text[1:])]
    expected = -sum(logs) / len(logs)
    if math.isclose(got, expected, rel_tol=1e-6):
        return None
    if got < 0:
        return "ch01.q4.sign"
    if math.isclose(got, expected / math.log(2), rel_tol=1e-6):
        return "ch01.q4.base"
    if math.isclose(got, -sum(logs) / len(text), rel_tol=1e-6):
        return "ch01.q4.pairs"
    return "ch01.q4.wrong", dict(expected=num(expected, 4), got=num(got, 4))


q4 = Task("ch01.q4", _check_q4, hint={
    "de": "Für jedes Nachbarpaar (aktuell, nächstes): -math.log(probability(aktuell, nächstes)). Davon den Mittelwert.",
    "en": "For each neighbouring pair (current, next): -math.log(probability(current, next)). Then take the mean.",
}, solution="""
def average_loss(probability, text):
    losses = [-math.log(probability(current, following)) for current, following in zip(text, text[1:])]
    return sum(losses) / len(losses)
""")


# --- q5: the misconception ---------------------------------------------------------------------

def _check_q5(answer):
    if not isinstance(answer, str) or answer.strip().lower() not in ("a", "b", "c"):
        return "ch01.q5.invalid"
    return None if answer.strip().lower() == "b" else "ch01.q5.wrong"


q5 = Task("ch01.q5", _check_q5, hint={
    "de": "Erzeugt das Modell Wörter, die nirgends im Trainingstext stehen? Dann kann es sie nicht nachgeschlagen haben.",
    "en": "Does the model produce words that appear nowhere in the training text? Then it cannot have looked them up.",
}, solution="""
answer_q5 = "b"  # it draws each character from counted probabilities; new words show it stores no sentences
""")
