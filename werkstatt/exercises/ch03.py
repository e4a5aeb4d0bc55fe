"""Chapter 3 tasks: the causal mask, softmax per row, averaging the past, attention weights by hand,
and masked self-attention as one function."""
from __future__ import annotations

import math

import numpy as np
import torch

from ..checks import Task, call
from ..i18n import register

register({
    "ch03.shape": {
        "de": "Die Form stimmt nicht: Das Ergebnis muss so viele Zeilen und Spalten haben wie die Aufgabe verlangt.",
        "en": "The shape is wrong: the result must have as many rows and columns as the task asks for.",
    },
    "ch03.q1.upper": {
        "de": "Das ist die obere Dreiecksmatrix: So dürfte jedes Token in die Zukunft schauen. Gesucht ist torch.tril.",
        "en": "That is the upper triangle: every token could look into the future. We need torch.tril.",
    },
    "ch03.q1.ones": {
        "de": "Alles ist erlaubt – dann sieht jedes Token auch die Wörter, die erst noch kommen. Verbiete alles über der Diagonale.",
        "en": "Everything is allowed – then every token also sees the words that are still to come. Forbid everything above the diagonal.",
    },
    "ch03.q1.no_diagonal": {
        "de": "Fast: Jedes Token darf auch sich selbst sehen. Die Diagonale gehört dazu.",
        "en": "Almost: every token may also see itself. The diagonal belongs to it.",
    },
    "ch03.q1.wrong": {
        "de": "Die Maske stimmt noch nicht. Zeile i darf die Spalten 0 bis i sehen (1 oder True), sonst nichts.",
        "en": "The mask is not right yet. Row i may see columns 0 to i (1 or True), nothing else.",
    },
    "ch03.q2.no_exp": {
        "de": "Du teilst nur durch die Summe. Softmax nimmt vorher exp() von jedem Wert – so werden auch negative Werte positiv.",
        "en": "You only divide by the sum. Softmax takes exp() of every value first – so negative values become positive too.",
    },
    "ch03.q2.columns": {
        "de": "Deine Spalten summieren sich zu 1, die Zeilen nicht. Normiere jede Zeile: dim=-1 (oder axis=-1).",
        "en": "Your columns add up to 1, the rows do not. Normalise each row: dim=-1 (or axis=-1).",
    },
    "ch03.q2.wrong": {
        "de": "Die Werte stimmen noch nicht. exp(x) / Summe von exp(x) in jeder Zeile; −∞ muss zu 0 werden.",
        "en": "The values are not right yet. exp(x) / sum of exp(x) in each row; −∞ must become 0.",
    },
    "ch03.q3.global": {
        "de": "Jede Zeile ist der Mittelwert ALLER Zeilen – auch der zukünftigen. Zeile i soll nur die Zeilen 0 bis i mitteln.",
        "en": "Every row is the mean of ALL rows – future ones included. Row i should only average rows 0 to i.",
    },
    "ch03.q3.sum": {
        "de": "Das ist die laufende Summe. Teile Zeile i noch durch die Anzahl der Zeilen 0 bis i, also i + 1.",
        "en": "That is the running sum. Divide row i by the number of rows 0 to i, that is i + 1.",
    },
    "ch03.q3.wrong": {
        "de": "Die Werte stimmen noch nicht. Baue die Gewichte wie im Notebook: torch.tril(torch.ones(T, T)), jede Zeile durch ihre Summe geteilt, dann weights @ x.",
        "en": "The values are not right yet. Build the weights as in the notebook: torch.tril(torch.ones(T, T)), each row divided by its sum, then weights @ x.",
    },
    "ch03.q4.future": {
        "de": "Du hast den Wert des zukünftigen Tokens mitgerechnet. Das vierte Token ist für das dritte verboten: Sein Gewicht ist 0.",
        "en": "You included the future token's score. The fourth token is forbidden for the third: its weight is 0.",
    },
    "ch03.q4.wrong": {
        "de": "Die Gewichte stimmen noch nicht. Nimm exp() der drei erlaubten Werte, teile durch deren Summe, und setze 0 für das vierte.",
        "en": "The weights are not right yet. Take exp() of the three allowed scores, divide by their sum, and put 0 for the fourth.",
    },
    "ch03.q4.length": {
        "de": "Gib vier Gewichte an, eines für jedes Token – auch das verbotene.",
        "en": "Give four weights, one for each token – the forbidden one too.",
    },
    "ch03.q5.no_mask": {
        "de": "Frühe Tokens sehen die späteren – die Maske fehlt. Setze die Werte über der Diagonale vor der Softmax auf −∞.",
        "en": "Early tokens see later ones – the mask is missing. Set the scores above the diagonal to −∞ before the softmax.",
    },
    "ch03.q5.no_scale": {
        "de": "Fast: Teile die Werte Q Kᵀ noch durch √d (d = Anzahl Spalten von Q), damit die Softmax nicht zu spitz wird.",
        "en": "Almost: divide the scores Q Kᵀ by √d (d = number of columns of Q) so the softmax does not get too peaky.",
    },
    "ch03.q5.wrong": {
        "de": "Das Ergebnis stimmt noch nicht. Reihenfolge: Q @ K.T / √d, Maske (−∞), Softmax je Zeile, dann @ V.",
        "en": "The result is not right yet. Order: Q @ K.T / √d, mask (−∞), softmax per row, then @ V.",
    },
})


def _as_tensor(value) -> torch.Tensor:
    return torch.as_tensor(np.asarray(value, dtype=float) if not isinstance(value, torch.Tensor) else value).double()


def _close(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.shape == b.shape and torch.allclose(a, b.double(), atol=1e-5)


# --- q1: the causal mask ----------------------------------------------------------------------------

def _check_q1(causal_mask):
    for n in (1, 3, 5):
        got = _as_tensor(call(causal_mask, n))
        expected = torch.tril(torch.ones(n, n, dtype=torch.float64))
        if got.shape != expected.shape:
            return "ch03.shape"
        if torch.equal(got != 0, expected != 0):
            continue
        if torch.equal(got != 0, torch.triu(torch.ones(n, n)) != 0):
            return "ch03.q1.upper"
        if bool((got != 0).all()):
            return "ch03.q1.ones"
        if torch.equal(got != 0, torch.tril(torch.ones(n, n), diagonal=-1) != 0):
            return "ch03.q1.no_diagonal"
        return "ch03.q1.wrong"
    return None


q1 = Task("ch03.q1", _check_q1, hint={
    "de": "torch.tril(...) behält die untere Dreiecksmatrix (mit Diagonale) und setzt alles darüber auf 0.",
    "en": "torch.tril(...) keeps the lower triangle (with the diagonal) and sets everything above it to 0.",
}, solution="""
def causal_mask(n):
    return torch.tril(torch.ones(n, n))
""")


# --- q2: softmax per row ------------------------------------------------------------------------------

_Q2_SCORES = torch.tensor([[2.0, float("-inf"), float("-inf")], [1.0, 3.0, float("-inf")], [0.5, -1.0, 2.0]])


def _check_q2(softmax_rows):
    scores = _Q2_SCORES.clone()
    got = _as_tensor(call(softmax_rows, scores.clone()))
    if got.shape != scores.shape:
        return "ch03.shape"
    if _close(got, torch.softmax(scores, dim=-1)):
        # a second example without −∞ and with big numbers
        big = torch.tensor([[10.0, 20.0], [-3.0, 4.0]])
        return None if _close(_as_tensor(call(softmax_rows, big.clone())), torch.softmax(big, dim=-1)) \
            else "ch03.q2.wrong"
    finite = torch.tensor([[1.0, 2.0, 3.0], [2.0, -1.0, 0.5]])
    got_finite = _as_tensor(call(softmax_rows, finite.clone()))
    if _close(got_finite, finite / finite.sum(dim=-1, keepdim=True)):
        return "ch03.q2.no_exp"
    if _close(got_finite, torch.softmax(finite, dim=0)):
        return "ch03.q2.columns"
    return "ch03.q2.wrong"


q2 = Task("ch03.q2", _check_q2, hint={
    "de": "weights = torch.exp(scores); dann weights / weights.sum(dim=-1, keepdim=True). exp(−∞) ist 0.",
    "en": "weights = torch.exp(scores); then weights / weights.sum(dim=-1, keepdim=True). exp(−∞) is 0.",
}, solution="""
def softmax_rows(scores):
    weights = torch.exp(scores - scores.max(dim=-1, keepdim=True).values)  # minus the maximum: no overflow
    return weights / weights.sum(dim=-1, keepdim=True)
""")


# --- q3: average the past ------------------------------------------------------------------------------

def _check_q3(average_past):
    x = torch.tensor([[1.0, 2.0], [3.0, 0.0], [5.0, -2.0], [-1.0, 4.0]])
    got = _as_tensor(call(average_past, x.clone()))
    expected = torch.cumsum(x, dim=0) / torch.arange(1, 5).unsqueeze(1)
    if got.shape != x.shape:
        return "ch03.shape"
    if _close(got, expected):
        return None
    if _close(got, x.mean(dim=0).expand_as(x)):
        return "ch03.q3.global"
    if _close(got, torch.cumsum(x, dim=0)):
        return "ch03.q3.sum"
    return "ch03.q3.wrong"


q3 = Task("ch03.q3", _check_q3, hint={
    "de": "T = x.shape[0]; weights = torch.tril(torch.ones(T, T)); weights = weights / weights.sum(dim=1, keepdim=True); return weights @ x",
    "en": "T = x.shape[0]; weights = torch.tril(torch.ones(T, T)); weights = weights / weights.sum(dim=1, keepdim=True); return weights @ x",
}, solution="""
def average_past(x):
    T = x.shape[0]
    weights = torch.tril(torch.ones(T, T))
    weights = weights / weights.sum(dim=1, keepdim=True)
    return weights @ x
""")


# --- q4: attention weights by hand --------------------------------------------------------------------

Q4_SCORES = [2.0, 1.0, 0.0, 5.0]  # the scores of the third token for tokens 1 to 4


def _check_q4(weights):
    values = [float(w) for w in np.asarray(weights, dtype=float).ravel()]
    if len(values) != 4:
        return "ch03.q4.length"
    allowed = np.exp(Q4_SCORES[:3])
    expected = list(allowed / allowed.sum()) + [0.0]
    if all(abs(a - b) < 0.011 for a, b in zip(values, expected)):
        return None
    unmasked = np.exp(Q4_SCORES) / np.exp(Q4_SCORES).sum()
    if all(abs(a - b) < 0.011 for a, b in zip(values, unmasked)):
        return "ch03.q4.future"
    return "ch03.q4.wrong"


q4 = Task("ch03.q4", _check_q4, hint={
    "de": "Das dritte Token darf die Tokens 1, 2 und 3 sehen. Rechne exp(2), exp(1), exp(0), teile jedes durch ihre Summe; das vierte Gewicht ist 0.",
    "en": "The third token may see tokens 1, 2 and 3. Compute exp(2), exp(1), exp(0), divide each by their sum; the fourth weight is 0.",
}, solution="""
weights_q4 = [0.67, 0.24, 0.09, 0.0]  # exp(2), exp(1), exp(0) divided by their sum 11.1; the future gets 0
""")


# --- q5: masked self-attention in one function ------------------------------------------------------------

def _reference_attention(q, k, v, scale=True, mask=True):
    scores = q @ k.T
    if scale:
        scores = scores / math.sqrt(q.shape[-1])
    if mask:
        scores = scores.masked_fill(~torch.tril(torch.ones(len(q), len(q), dtype=torch.bool)), float("-inf"))
    return torch.softmax(scores, dim=-1) @ v


def _check_q5(causal_attention):
    generator = torch.Generator().manual_seed(3)
    q, k, v = (torch.randn(4, 4, generator=generator, dtype=torch.float64) * 2 for _ in range(3))
    got = _as_tensor(call(causal_attention, q.clone(), k.clone(), v.clone()))
    if got.shape != v.shape:
        return "ch03.shape"
    if _close(got, _reference_attention(q, k, v)):
        return None
    if _close(got, _reference_attention(q, k, v, mask=False)) or _close(got, _reference_attention(q, k, v, False, False)):
        return "ch03.q5.no_mask"
    if _close(got, _reference_attention(q, k, v, scale=False)):
        return "ch03.q5.no_scale"
    return "ch03.q5.wrong"


q5 = Task("ch03.q5", _check_q5, hint={
    "de": "Vier Zeilen genügen: scores = Q @ K.T / Q.shape[-1] ** 0.5, dann masked_fill mit der Maske, torch.softmax(..., dim=-1), dann @ V.",
    "en": "Four lines are enough: scores = Q @ K.T / Q.shape[-1] ** 0.5, then masked_fill with the mask, torch.softmax(..., dim=-1), then @ V.",
}, solution="""
def causal_attention(Q, K, V):
    scores = Q @ K.T / Q.shape[-1] ** 0.5
    mask = torch.tril(torch.ones(len(Q), len(Q), dtype=torch.bool))
    scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1) @ V
""")
