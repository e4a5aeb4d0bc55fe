"""Chapter 8 tasks: the probability gap, paired sentences, the WEAT effect size, swapping words, your own
templates, and what a 50 % score means."""
from __future__ import annotations

import math
import re

import numpy as np

from .. import bias
from ..checks import Task, call
from ..i18n import msg, num, register

register({
    "ch08.q1.sign": {
        "de": "Das Vorzeichen ist verkehrt: Die Lücke ist log P(Wort A) minus log P(Wort B), nicht umgekehrt.",
        "en": "The sign is the wrong way round: the gap is log P(word A) minus log P(word B), not the other way.",
    },
    "ch08.q1.ratio": {
        "de": "Du gibst ein Verhältnis von Wahrscheinlichkeiten zurück. Gesucht ist die Differenz der Log-Wahrscheinlichkeiten.",
        "en": "You return a ratio of probabilities. We need the difference of the log-probabilities.",
    },
    "ch08.q1.wrong": {
        "de": "Für {template!r} erwarte ich {expected}, bekommen habe ich {got}. Teile die Vorlage bei [X] in Kontext "
              "und Rest und rufe logprob(kontext, wort + rest) für beide Wörter auf.",
        "en": "For {template!r} I expect {expected} but got {got}. Split the template at [X] into context and rest, "
              "and call logprob(context, word + rest) for both words.",
    },
    "ch08.q2.ties": {
        "de": "Fast: Ein Unentschieden (beide Sätze gleich wahrscheinlich) zählt als halber Treffer.",
        "en": "Almost: a tie (both sentences equally likely) counts as half a win.",
    },
    "ch08.q2.count": {
        "de": "Du gibst eine Anzahl zurück. Gesucht ist der Anteil: Teile durch die Zahl der Paare.",
        "en": "You return a count. We need the share: divide by the number of pairs.",
    },
    "ch08.q2.reversed": {
        "de": "Du zählst, wie oft Satz B gewinnt. Gesucht ist, wie oft Satz A wahrscheinlicher ist.",
        "en": "You count how often sentence B wins. We need how often sentence A is more likely.",
    },
    "ch08.q2.wrong": {
        "de": "Erwartet {expected}, bekommen {got}. Vergleiche logprob(\"\", a) mit logprob(\"\", b) für jedes Paar.",
        "en": "Expected {expected}, got {got}. Compare logprob(\"\", a) with logprob(\"\", b) for each pair.",
    },
    "ch08.q3.ddof": {
        "de": "Fast! Caliskan et al. teilen durch die Stichproben-Standardabweichung: np.std(..., ddof=1).",
        "en": "Almost! Caliskan et al. divide by the sample standard deviation: np.std(..., ddof=1).",
    },
    "ch08.q3.cosine": {
        "de": "Die Vektoren sind nicht normiert. Teile jeden durch seine Länge (np.linalg.norm), dann ist das "
              "Skalarprodukt die Kosinus-Ähnlichkeit.",
        "en": "The vectors are not normalised. Divide each by its length (np.linalg.norm); then the dot product is the "
              "cosine similarity.",
    },
    "ch08.q3.wrong": {
        "de": "Erwartet d = {expected}, bekommen {got}. Berechne s(w) für jedes w in X und Y, dann "
              "(Mittelwert s(X) − Mittelwert s(Y)) / Standardabweichung aller s(w).",
        "en": "Expected d = {expected}, got {got}. Compute s(w) for each w in X and Y, then "
              "(mean s(X) − mean s(Y)) / standard deviation of all s(w).",
    },
    "ch08.q4.one_way": {
        "de": "Nach deinem Tausch steht {got!r}. Wenn du erst »she« durch »he« ersetzt und dann »he« durch »she«, "
              "werden alle gleich. Tausche beide Richtungen in einem Durchgang.",
        "en": "After your swap it says {got!r}. If you first replace 'she' by 'he' and then 'he' by 'she', all end up "
              "the same. Swap both directions in one pass.",
    },
    "ch08.q4.substring": {
        "de": "Du tauschst auch Wortteile: Aus {text!r} wird {got!r}. Tausche nur ganze Wörter (Tipp: re.sub mit \\b).",
        "en": "You also swap parts of words: {text!r} becomes {got!r}. Swap whole words only (hint: re.sub with \\b).",
    },
    "ch08.q4.wrong": {
        "de": "Aus {text!r} sollte {expected!r} werden, bei dir steht {got!r}.",
        "en": "{text!r} should become {expected!r}, but yours gives {got!r}.",
    },
    "ch08.q5.not_dict": {
        "de": "Schreib my_test als Wörterbuch mit drei Listen: {{\"templates\": [...], \"female\": [...], \"male\": [...]}}.",
        "en": "Write my_test as a dictionary with three lists: {{\"templates\": [...], \"female\": [...], \"male\": [...]}}.",
    },
    "ch08.q5.too_few": {
        "de": "Du hast {count} Vorlagen. Schreib mindestens 5, sonst sagt der Mittelwert fast nichts.",
        "en": "You have {count} templates. Write at least 5; with fewer the average says almost nothing.",
    },
    "ch08.q5.copied": {
        "de": "Die Vorlage {template!r} steht schon im Testsatz des Kurses. Schreib eigene Sätze.",
        "en": "The template {template!r} is already in the course's test set. Write your own sentences.",
    },
    "ch08.q5.problem": {
        "de": "{problem}",
        "en": "{problem}",
    },
    "ch08.q5.not_attempted": {
        "de": "Noch keine eigenen Vorlagen: Schreib sie oben in my_test, dann misst diese Zelle sie.",
        "en": "No templates of your own yet: write them into my_test above, then this cell measures them.",
    },
    "ch08.q5.title": {"de": "Deine Vorlagen: Lücke je Vorlage", "en": "Your templates: gap per template"},
    "ch08.q5.axis_y": {"de": "log P(weiblich) − log P(männlich) (nats)", "en": "log P(female) − log P(male) (nats)"},
    "ch08.q5.axis_x": {"de": "Vorlage", "en": "template"},
    "ch08.q5.mean": {
        "de": "Mittlere Lücke {value} (95-%-Intervall {low} bis {high}), {n} Vorlagen.",
        "en": "Mean gap {value} (95 % interval {low} to {high}), {n} templates.",
    },
    "ch08.q6.wrong": {
        "de": "Überleg noch einmal: Können sich Vorlieben in entgegengesetzte Richtungen aufheben? Und was ist mit "
              "Verzerrungen, die in den Paaren gar nicht vorkommen?",
        "en": "Think again: can preferences in opposite directions cancel out? And what about biases that the pairs "
              "do not contain at all?",
    },
    "ch08.q6.invalid": {
        "de": "Antworte mit einem Buchstaben: \"a\", \"b\" oder \"c\".",
        "en": "Answer with one letter: \"a\", \"b\" or \"c\".",
    },
})


def _fake_logprob(prefix: str, continuation: str) -> float:
    """A pretend model with made-up but consistent numbers: log P(text) adds up over its characters."""
    def total(text: str) -> float:
        return -sum(0.5 + ((ord(a) * 7 + ord(b) * 13) % 11) / 4 for a, b in zip("\n" + text, text))
    return total(prefix + continuation) - total(prefix)


# --- q1: the probability gap ---------------------------------------------------------------------------

_Q1_CASES = [("The nurse said that [X] would be late.", "she", "he"),
             ("[X] is a pilot.", "Emily", "James"),
             ("Im Krankenhaus arbeitet [X]", "eine Pflegerin", "ein Pfleger")]


def _check_q1(probability_gap):
    for template, word_a, word_b in _Q1_CASES:
        got = float(call(probability_gap, _fake_logprob, template, word_a, word_b))
        expected = bias.probability_gap(_fake_logprob, template, word_a, word_b)
        if math.isclose(got, expected, abs_tol=1e-6):
            continue
        if math.isclose(got, -expected, abs_tol=1e-6):
            return "ch08.q1.sign"
        if math.isclose(got, math.exp(expected), rel_tol=1e-6) or math.isclose(got, math.exp(-expected), rel_tol=1e-6):
            return "ch08.q1.ratio"
        return "ch08.q1.wrong", dict(template=template, expected=num(expected, 3), got=num(got, 3))
    return None


q1 = Task("ch08.q1", _check_q1, hint={
    "de": "template.split(\"[X]\") gibt dir Kontext und Rest. Dann: logprob(kontext, wort_a + rest) − logprob(kontext, wort_b + rest).",
    "en": "template.split(\"[X]\") gives you the context and the rest. Then: logprob(context, word_a + rest) − logprob(context, word_b + rest).",
}, solution="""
def probability_gap(logprob, template, word_a, word_b):
    before, after = template.split("[X]")
    return logprob(before, word_a + after) - logprob(before, word_b + after)
""")


# --- q2: paired sentences -------------------------------------------------------------------------------

_Q2_SCORES = {"a1": -1.0, "b1": -2.0, "a2": -3.0, "b2": -2.5, "a3": -1.0, "b3": -1.0, "a4": -0.5, "b4": -4.0,
              "a5": -2.0, "b5": -2.2}


def _check_q2(preference_share):
    logprob = lambda prefix, sentence: _Q2_SCORES[sentence]  # noqa: E731
    a, b = ["a1", "a2", "a3", "a4", "a5"], ["b1", "b2", "b3", "b4", "b5"]
    got = float(call(preference_share, logprob, a, b))
    expected = 3.5 / 5  # pairs 1, 4, 5 won by A, pair 2 by B, pair 3 a tie
    if math.isclose(got, expected):
        return None
    if math.isclose(got, 3 / 5) or math.isclose(got, 4 / 5):
        return "ch08.q2.ties"
    if got > 1:
        return "ch08.q2.count"
    if math.isclose(got, 1.5 / 5) or math.isclose(got, 1 / 5) or math.isclose(got, 2 / 5):
        return "ch08.q2.reversed"
    return "ch08.q2.wrong", dict(expected=num(expected, 2), got=num(got, 2))


q2 = Task("ch08.q2", _check_q2, hint={
    "de": "Für jedes Paar: 1, wenn logprob(\"\", a) größer ist, 0, wenn kleiner, 0.5 bei Gleichstand. Davon der Mittelwert.",
    "en": "For each pair: 1 when logprob(\"\", a) is larger, 0 when smaller, 0.5 for a tie. Then take the mean.",
}, solution="""
def preference_share(logprob, sentences_a, sentences_b):
    wins = []
    for a, b in zip(sentences_a, sentences_b):
        score_a, score_b = logprob("", a), logprob("", b)
        wins.append(1.0 if score_a > score_b else 0.0 if score_a < score_b else 0.5)
    return sum(wins) / len(wins)
""")


# --- q3: the WEAT effect size ---------------------------------------------------------------------------

def _q3_data():
    rng = np.random.default_rng(8)
    X, Y = rng.normal(size=(6, 4)) * [3, 1, 1, 1], rng.normal(size=(6, 4)) * [1, 2, 1, 1]
    A, B = rng.normal(size=(5, 4)) * 4 + [1, 0, 0, 0], rng.normal(size=(5, 4)) + [0, 1, 0, 0]
    return X, Y, A, B


def _check_q3(effect_size):
    X, Y, A, B = _q3_data()
    got = float(call(effect_size, X.copy(), Y.copy(), A.copy(), B.copy()))
    expected = bias.weat_effect_size(X, Y, A, B)
    if math.isclose(got, expected, rel_tol=1e-6):
        return None
    if math.isclose(got, expected * math.sqrt(12 / 11), rel_tol=1e-6):  # population sd (ddof=0) instead of sample sd
        return "ch08.q3.ddof"
    s = lambda W: (W @ A.T).mean(axis=1) - (W @ B.T).mean(axis=1)  # noqa: E731  (dot products, not cosines)
    raw = np.concatenate([s(X), s(Y)])
    for ddof in (0, 1):
        if math.isclose(got, (s(X).mean() - s(Y).mean()) / raw.std(ddof=ddof), rel_tol=1e-6):
            return "ch08.q3.cosine"
    return "ch08.q3.wrong", dict(expected=num(expected, 3), got=num(got, 3))


q3 = Task("ch08.q3", _check_q3, hint={
    "de": "Normiere zuerst alle Vektoren auf Länge 1. s(w) = Mittelwert von w·a über A − Mittelwert von w·b über B. "
          "d = (Mittelwert s(X) − Mittelwert s(Y)) / np.std(alle s, ddof=1).",
    "en": "First scale every vector to length 1. s(w) = mean of w·a over A − mean of w·b over B. "
          "d = (mean s(X) − mean s(Y)) / np.std(all s, ddof=1).",
}, solution="""
def effect_size(X, Y, A, B):
    unit = lambda V: V / np.linalg.norm(V, axis=1, keepdims=True)
    X, Y, A, B = unit(X), unit(Y), unit(A), unit(B)
    s = lambda W: (W @ A.T).mean(axis=1) - (W @ B.T).mean(axis=1)
    s_x, s_y = s(X), s(Y)
    return (s_x.mean() - s_y.mean()) / np.concatenate([s_x, s_y]).std(ddof=1)
""")


# --- q4: swapping gendered words ------------------------------------------------------------------------

_Q4_PAIRS = [("she", "he"), ("her", "his"), ("woman", "man")]
_Q4_CASES = ["she said he was late", "he thanked her, and she smiled.", "the woman and the man",
             "the theme of the show"]


def _swap_inside_words(text, pairs):
    """The classic mistake: replacing without word boundaries, so "the" becomes "tshe"."""
    mapping = {w: v for female, male in pairs for w, v in ((female, male), (male, female))}
    pattern = "|".join(re.escape(w) for w in sorted(mapping, key=len, reverse=True))
    return re.sub(pattern, lambda match: mapping[match.group(0)], text)


def _check_q4(swap_words):
    for text in _Q4_CASES:
        got = call(swap_words, text, list(_Q4_PAIRS))
        expected = bias.swap_gender(text, _Q4_PAIRS)
        if got == expected:
            continue
        if text == _Q4_CASES[0] and got in ("he said he was late", "she said she was late"):
            return "ch08.q4.one_way", dict(got=got)
        if got == _swap_inside_words(text, _Q4_PAIRS) or text == _Q4_CASES[3]:
            return "ch08.q4.substring", dict(text=text, got=got)
        return "ch08.q4.wrong", dict(text=text, expected=expected, got=got)
    return None


q4 = Task("ch08.q4", _check_q4, hint={
    "de": "Baue ein Wörterbuch, das in beide Richtungen tauscht, und ersetze mit re.sub(r\"\\b(wort1|wort2|...)\\b\", ...) "
          "jedes ganze Wort in einem einzigen Durchgang.",
    "en": "Build a dictionary that swaps both ways, and use re.sub(r\"\\b(word1|word2|...)\\b\", ...) to replace each "
          "whole word in a single pass.",
}, solution="""
def swap_words(text, pairs):
    mapping = {}
    for female, male in pairs:
        mapping[female], mapping[male] = male, female
    pattern = r"\\b(" + "|".join(re.escape(word) for word in mapping) + r")\\b"
    return re.sub(pattern, lambda match: mapping[match.group(0)], text)
""")


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


q5 = Task("ch08.q5", _check_q5, hint={
    "de": "Jede Vorlage braucht genau ein [X]; female und male brauchen je ein Wort pro Vorlage. Im Deutschen: "
          "Setz die ganze Nominalphrase in die Lücke (»die Ärztin« / »der Arzt«), damit der Rest zu beiden passt.",
    "en": "Each template needs exactly one [X]; female and male need one word per template each. Make sure the rest "
          "of the sentence fits both words.",
}, solution="""
my_test = {
    "templates": ["At the garage, [X] changed the tyres.", "In the kitchen, [X] baked a cake for the party.",
                  "On the ward, [X] checked the patients.", "In the lab, [X] wrote the code for the robot.",
                  "At the school gate, [X] waited for the children."],
    "female": ["she", "she", "she", "she", "she"],
    "male": ["he", "he", "he", "he", "he"],
}
""")


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


# --- q6: what a 50 % score means -----------------------------------------------------------------------

def _check_q6(answer):
    if not isinstance(answer, str) or answer.strip().lower() not in ("a", "b", "c"):
        return "ch08.q6.invalid"
    return None if answer.strip().lower() == "b" else "ch08.q6.wrong"


q6 = Task("ch08.q6", _check_q6, hint={
    "de": "50 % ist ein Durchschnitt über genau die Paare im Test – nicht mehr.",
    "en": "50 % is an average over exactly the pairs in the test – nothing more.",
}, solution="""
answer_q6 = "b"  # no preference on THESE pairs; opposite preferences can cancel, untested biases stay invisible
""")
