"""Chapter 2 tasks: count tokens, find and merge the most frequent pair (BPE by hand), cosine similarity,
and the misconception "a model reads words like we do"."""
from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache

import numpy as np

from ..checks import Task, call


_Q1_TEXTS = ("Der Haushaltsausschuss tagt heute.", "The budget committee meets today.",
             "Bundestagsabgeordnete und Abgeordnete")


@lru_cache(maxsize=1)
def _q1_tokenizer():
    from ..tokens import train_bpe

    return train_bpe([" ".join(_Q1_TEXTS) * 20], vocab_size=60)


# --- q1: count tokens -----------------------------------------------------------------------------

def _check_q1(count_tokens):
    tokenizer = _q1_tokenizer()
    for text in _Q1_TEXTS:
        got = call(count_tokens, tokenizer, text)
        expected = len(tokenizer.encode(text).ids)
        if got == expected:
            continue
        if got == len(text.split()):
            return "ch02.q1.words"
        if got == len(text):
            return "ch02.q1.chars"
        return "ch02.q1.wrong"
    return None


q1 = Task("ch02.q1", _check_q1)


# --- q2: the most frequent pair -----------------------------------------------------------------

def _reference_pair(pieces):
    counts = Counter(pair for word in pieces for pair in zip(word, word[1:]))
    return counts.most_common(1)[0]


def _check_q2(most_frequent_pair):
    examples = [
        [list("haus"), list("maus"), list("aus"), list("hut")],        # ("a","u") and ("u","s") tie: both are right
        [list("xa"), list("by"), list("xa"), list("by"), list("ab")],   # ("a","b") wins only across word boundaries
        [["ha", "us"], ["ra", "t", "ha", "us"], ["ha", "l", "t"]],     # pieces longer than one letter
    ]
    for pieces in examples:
        got = call(most_frequent_pair, [list(w) for w in pieces])
        if not (isinstance(got, (tuple, list)) and len(got) == 2):
            return "ch02.q2.not_pair"
        best, count = _reference_pair(pieces)
        counts = Counter(pair for word in pieces for pair in zip(word, word[1:]))
        if counts.get(tuple(got), 0) == count:  # ties: any pair with the top count is right
            continue
        joined = [piece for word in pieces for piece in word]
        if Counter(zip(joined, joined[1:])).most_common(1)[0][0] == tuple(got):
            return "ch02.q2.across"
        return "ch02.q2.wrong"
    return None


q2 = Task("ch02.q2", _check_q2)


# --- q3: merge a pair -------------------------------------------------------------------------------

def _reference_merge(word, pair):
    # The check's own reference; the solution learners see is the one in solutions/<lang>/02-tokens.ipynb.
    merged, i = [], 0
    while i < len(word):
        if i + 1 < len(word) and (word[i], word[i + 1]) == tuple(pair):
            merged.append(word[i] + word[i + 1])
            i += 2
        else:
            merged.append(word[i])
            i += 1
    return merged


def _check_q3(merge_pair):
    examples = [(list("haushalt"), ("h", "a")), (list("aus"), ("a", "u")), (list("hut"), ("a", "u")),
                (list("aaa"), ("a", "a")), (["ha", "us", "ha", "lt"], ("ha", "us"))]
    for word, pair in examples:
        got = call(merge_pair, list(word), pair)
        expected = _reference_merge(word, pair)
        if list(got) == expected:
            continue
        if word == list("aaa"):
            return "ch02.q3.overlap"
        if word == list("haushalt") and list(got) == ["ha", "u", "s", "h", "a", "l", "t"]:
            return "ch02.q3.first_only"
        return "ch02.q3.wrong"
    return None


q3 = Task("ch02.q3", _check_q3)


# --- q4: cosine similarity ------------------------------------------------------------------------

def _check_q4(cosine_similarity):
    examples = [([1.0, 0.0], [0.0, 2.0]), ([3.0, 4.0], [6.0, 8.0]), ([1.0, 2.0, 2.0], [-2.0, 1.0, 0.5]),
                ([2.0, 1.0], [-4.0, -2.0])]
    for a, b in examples:
        got = float(call(cosine_similarity, np.array(a), np.array(b)))
        expected = float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))
        if math.isclose(got, expected, rel_tol=1e-6, abs_tol=1e-9):
            continue
        if math.isclose(got, float(np.dot(a, b)), rel_tol=1e-6):
            return "ch02.q4.dot"
        return "ch02.q4.wrong"
    return None


q4 = Task("ch02.q4", _check_q4)


# --- q5: the misconception ------------------------------------------------------------------------

def _check_q5(answer):
    if not isinstance(answer, str) or answer.strip().lower() not in ("a", "b", "c"):
        return "ch02.q5.invalid"
    return None if answer.strip().lower() == "b" else "ch02.q5.wrong"


q5 = Task("ch02.q5", _check_q5)
