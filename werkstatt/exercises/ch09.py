"""Chapter 9 tasks: the gradient of release, a transparency score, missing artifacts, the EU AI Act's open-source rules."""
from __future__ import annotations

import math

from ..checks import Task, call
from ..i18n import register
from ..transparency import GRADIENT, INDICATOR_KEYS

register({
    "ch09.q1.not_dict": {
        "de": "Gib ein Wörterbuch zurück: {{\"a\": \"api\", \"b\": …}} – für jeden Fall a bis e eine Stufe.",
        "en": "Give a dictionary: {{\"a\": \"api\", \"b\": …}} – one step for each case a to e.",
    },
    "ch09.q1.missing": {
        "de": "Es fehlen noch die Fälle: {cases}.",
        "en": "These cases are still missing: {cases}.",
    },
    "ch09.q1.bad_step": {
        "de": "»{value}« ist keine Stufe. Erlaubt sind: {allowed}.",
        "en": "'{value}' is not a step. Allowed: {allowed}.",
    },
    "ch09.q1.open_weights": {
        "de": "Fall {case}: Herunterladbare Gewichte allein machen ein Modell nicht »vollständig offen«. "
              "Dazu gehören auch Trainingscode und Trainingsdaten.",
        "en": "Case {case}: downloadable weights alone do not make a model 'fully open'. "
              "That also needs the training code and the training data.",
    },
    "ch09.q1.api": {
        "de": "Fall {case}: Wenn du das Modell nur über das Internet fragen kannst, bekommst du nur seine Antworten – "
              "nicht die Gewichte. Das ist die Stufe »api«.",
        "en": "Case {case}: if you can only ask the model over the internet, you get its answers only – "
              "not its weights. That is the step 'api'.",
    },
    "ch09.q1.wrong": {
        "de": "{count} von 5 Fällen stimmen noch nicht (zum Beispiel Fall {case}). Frag dich: Was genau bekommt man in die Hand?",
        "en": "{count} of 5 cases are not right yet (for example case {case}). Ask yourself: what exactly do you get your hands on?",
    },
    "ch09.q2.fraction": {
        "de": "Du gibst einen Anteil zwischen 0 und 1 zurück. Gesucht ist ein Prozentwert zwischen 0 und 100.",
        "en": "You return a fraction between 0 and 1. We need a percentage between 0 and 100.",
    },
    "ch09.q2.denominator": {
        "de": "Für {marks} erwarte ich {expected:.1f} %, bekommen habe ich {got}. Teilst du durch die Zahl ALLER "
              "Indikatoren ({total})? Ein Indikator, der fehlt, gilt als nicht offengelegt.",
        "en": "For {marks} I expect {expected:.1f} %, but got {got}. Do you divide by the number of ALL "
              "indicators ({total})? A missing indicator counts as not disclosed.",
    },
    "ch09.q2.wrong": {
        "de": "Für {marks} erwarte ich {expected:.1f} %, bekommen habe ich {got}.",
        "en": "For {marks} I expect {expected:.1f} %, but got {got}.",
    },
    "ch09.q3.not_set": {
        "de": "Gib eine Menge (set) von Artefakt-Namen zurück, zum Beispiel {{\"weights\"}}.",
        "en": "Give a set of artifact names, for example {{\"weights\"}}.",
    },
    "ch09.q3.unknown": {
        "de": "»{name}« ist keines der fünf Artefakte: {allowed}.",
        "en": "'{name}' is not one of the five artifacts: {allowed}.",
    },
    "ch09.q3.described": {
        "de": "Lies die Modellkarte noch einmal: »eine große Sammlung von Webtexten« BESCHREIBT die Daten nur. "
              "Veröffentlicht sind sie damit nicht.",
        "en": "Read the model card again: 'a large collection of web text' only DESCRIBES the data. "
              "That does not publish it.",
    },
    "ch09.q3.too_many": {
        "de": "Du zählst {name} als fehlend – aber die Karte nennt es. Öffentliche Benchmarks sind offene Testdaten, "
              "GPU-Zahl und Dauer sind Trainings-Metadaten.",
        "en": "You count {name} as missing – but the card gives it. Public benchmarks are open test data, "
              "GPU count and duration are training metadata.",
    },
    "ch09.q3.wrong": {
        "de": "Noch nicht vollständig. Geh die fünf Artefakte einzeln durch und such jedes in der Karte.",
        "en": "Not complete yet. Go through the five artifacts one by one and look for each in the card.",
    },
    "ch09.q4.not_dict": {
        "de": "Gib ein Wörterbuch zurück: {{1: \"a\", 2: \"b\", 3: …, 4: …}}.",
        "en": "Give a dictionary: {{1: \"a\", 2: \"b\", 3: …, 4: …}}.",
    },
    "ch09.q4.invalid": {
        "de": "Bei Frage {number} brauche ich einen Buchstaben: \"a\", \"b\" oder \"c\".",
        "en": "For question {number} I need one letter: \"a\", \"b\" or \"c\".",
    },
    "ch09.q4.q1": {
        "de": "Frage 1: Art. 53 Abs. 2 befreit offene Modelle nur von der technischen Dokumentation (Abs. 1 a und b). "
              "Urheberrechts-Strategie und Zusammenfassung der Trainingsinhalte (Abs. 1 c und d) bleiben Pflicht.",
        "en": "Question 1: Art. 53(2) exempts open models only from the technical documentation (para. 1 (a) and (b)). "
              "The copyright policy and the training-content summary (para. 1 (c) and (d)) remain obligations.",
    },
    "ch09.q4.q2": {
        "de": "Frage 2: Die Ausnahme für offene Modelle gilt NICHT für Modelle mit systemischem Risiko "
              "(vermutet ab 10^25 Rechenoperationen im Training, Art. 51 Abs. 2).",
        "en": "Question 2: the exception for open models does NOT apply to models with systemic risk "
              "(presumed above 10^25 operations of training compute, Art. 51(2)).",
    },
    "ch09.q4.q3": {
        "de": "Frage 3: Art. 2 Abs. 12 nimmt offene KI-Systeme aus – außer wenn sie als Hochrisiko-System eingesetzt "
              "werden. Noten in der Schule zu vergeben ist ein Hochrisiko-Einsatz (Anhang III, Bildung).",
        "en": "Question 3: Art. 2(12) exempts open AI systems – unless they are used as high-risk systems. "
              "Grading pupils is a high-risk use (Annex III, education).",
    },
    "ch09.q4.q4": {
        "de": "Frage 4: Art. 4 (KI-Kompetenz) gilt für Anbieter UND Betreiber – also auch für eine Firma, "
              "deren Beschäftigte ein KI-System nutzen.",
        "en": "Question 4: Art. 4 (AI literacy) applies to providers AND deployers – so also to a firm "
              "whose staff use an AI system.",
    },
})

# --- q1: place five cases on the gradient --------------------------------------------------------------

Q1_KEY = {"a": "api", "b": "weights", "c": "open", "d": "internal", "e": "api"}


def _check_q1(placed):
    if not isinstance(placed, dict):
        return "ch09.q1.not_dict"
    placed = {str(k).strip().lower(): str(v).strip().lower() for k, v in placed.items()}
    missing = sorted(set(Q1_KEY) - set(placed))
    if missing:
        return "ch09.q1.missing", dict(cases=", ".join(missing))
    for value in placed.values():
        if value not in GRADIENT:
            return "ch09.q1.bad_step", dict(value=value, allowed=", ".join(GRADIENT))
    wrong = sorted(case for case, step in Q1_KEY.items() if placed[case] != step)
    if not wrong:
        return None
    if placed["b"] == "open":
        return "ch09.q1.open_weights", dict(case="b")
    for case in ("a", "e"):
        if placed[case] in ("weights", "open"):
            return "ch09.q1.api", dict(case=case)
    return "ch09.q1.wrong", dict(count=len(wrong), case=wrong[0])


q1 = Task("ch09.q1", _check_q1, hint={
    "de": "internal: nur die Firma selbst. api: man kann fragen, bekommt aber nur Antworten. weights: man kann die "
          "Gewichte herunterladen. open: Gewichte, Trainingscode und Trainingsdaten sind offen.",
    "en": "internal: only the company itself. api: you can ask, but you only get answers. weights: you can "
          "download the weights. open: weights, training code and training data are open.",
}, solution="""
placed = {"a": "api", "b": "weights", "c": "open", "d": "internal", "e": "api"}
""")


# --- q2: a transparency score -------------------------------------------------------------------------

def _reference_score(marks):
    return 100 * sum(bool(marks.get(key, False)) for key in INDICATOR_KEYS) / len(INDICATOR_KEYS)


Q2_CASES = (
    {key: True for key in INDICATOR_KEYS},
    {"licence": True, "weights_download": True, "model_size": True},
    {"licence": True, "weights_download": False, "data_sources": True, "evaluation": False},
    {},
)


def _check_q2(transparency_score):
    for marks in Q2_CASES:
        got = call(transparency_score, dict(marks))
        expected = _reference_score(marks)
        number = float(got)
        if math.isclose(number, expected, abs_tol=0.05):
            continue
        if expected > 0 and math.isclose(number * 100, expected, abs_tol=0.05):
            return "ch09.q2.fraction"
        given = [value for value in marks.values()]
        if given and math.isclose(number, 100 * sum(given) / len(given), abs_tol=0.05):
            return "ch09.q2.denominator", dict(marks=marks, expected=expected, got=got, total=len(INDICATOR_KEYS))
        return "ch09.q2.wrong", dict(marks=marks, expected=expected, got=got)
    return None


q2 = Task("ch09.q2", _check_q2, hint={
    "de": "Geh alle Namen in INDICATOR_KEYS durch; marks.get(name, False) ist True oder False. "
          "Zähle die True, teile durch len(INDICATOR_KEYS), mal 100.",
    "en": "Go through all names in INDICATOR_KEYS; marks.get(name, False) is True or False. "
          "Count the True ones, divide by len(INDICATOR_KEYS), times 100.",
}, solution="""
def transparency_score(marks):
    disclosed = sum(1 for key in INDICATOR_KEYS if marks.get(key, False))
    return 100 * disclosed / len(INDICATOR_KEYS)
""")


# --- q3: which artifacts does a model card leave out? ------------------------------------------------------

ARTIFACT_KEYS = ("training_code", "training_data", "test_data", "training_metadata", "weights")
Q3_KEY = {"training_data", "training_code"}


def _check_q3(missing):
    if isinstance(missing, (list, tuple)):
        missing = set(missing)
    if not isinstance(missing, set):
        return "ch09.q3.not_set"
    missing = {str(name).strip().lower() for name in missing}
    for name in missing:
        if name not in ARTIFACT_KEYS:
            return "ch09.q3.unknown", dict(name=name, allowed=", ".join(ARTIFACT_KEYS))
    if missing == Q3_KEY:
        return None
    extra = sorted(missing - Q3_KEY)
    if extra:
        return "ch09.q3.too_many", dict(name=extra[0])
    if "training_data" not in missing:
        return "ch09.q3.described"
    return "ch09.q3.wrong"


q3 = Task("ch09.q3", _check_q3, hint={
    "de": "Für jedes Artefakt: Ist es VERÖFFENTLICHT (man kann es herunterladen) – oder nur beschrieben oder gar nicht erwähnt?",
    "en": "For each artifact: is it PUBLISHED (you can download it) – or only described, or not mentioned at all?",
}, solution="""
missing = {"training_data", "training_code"}
""")


# --- q4: the EU AI Act and open source ---------------------------------------------------------------------

Q4_KEY = {1: "b", 2: "c", 3: "a", 4: "a"}


def _check_q4(answers):
    if not isinstance(answers, dict):
        return "ch09.q4.not_dict"
    answers = {int(k): str(v).strip().lower() for k, v in answers.items()}
    for number in Q4_KEY:
        if answers.get(number) not in ("a", "b", "c"):
            return "ch09.q4.invalid", dict(number=number)
    for number, right in Q4_KEY.items():
        if answers[number] != right:
            return f"ch09.q4.q{number}"
    return None


q4 = Task("ch09.q4", _check_q4, hint={
    "de": "Lies Art. 2 Abs. 12, Art. 53 Abs. 2 und Art. 4 der Verordnung (EU) 2024/1689 – die Ausnahmen für offene "
          "Modelle haben jeweils ein »außer«.",
    "en": "Read Art. 2(12), Art. 53(2) and Art. 4 of Regulation (EU) 2024/1689 – each exception for open models "
          "has an 'unless'.",
}, solution="""
answers = {1: "b", 2: "c", 3: "a", 4: "a"}
""")
