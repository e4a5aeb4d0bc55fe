"""Chapter 2 tasks. Base level (no code writing): predict BPE's first merge by counting by hand, and the
misconception "a model reads words like we do". Code: count tokens, find the most frequent pair, cosine similarity.
Challenge: merge a pair everywhere in a word (BPE's second step)."""
from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache

import numpy as np

from ..checks import call, language_of_answer, letter as _letter, Task


def _pair_counts(words) -> Counter:
    return Counter(pair for word in words for pair in zip(word, word[1:]))


# --- q1 (base): which pair does BPE merge first? ----------------------------------------------------

Q1_WORDS = {"de": ["haus", "maus", "raus", "aus", "bau"], "en": ["house", "mouse", "out", "our", "loud"]}


def _check_q1(answer):
    if isinstance(answer, (tuple, list)) and len(answer) == 2 and all(isinstance(part, str) for part in answer):
        answer = "".join(answer)  # ("a", "u") says the same as "au"
    if not isinstance(answer, str) or not answer.strip():
        return "ch02.q1.invalid"
    guess = answer.strip().strip("\"'»«").lower()
    counts = _pair_counts(Q1_WORDS.get(language_of_answer(), Q1_WORDS["en"]))
    (best, top), *rest = counts.most_common()
    if guess == "".join(best):
        return None
    if len(guess) != 2:
        return "ch02.q1.too_long" if len(guess) > 2 else "ch02.q1.invalid"
    seen = counts.get(tuple(guess), 0)
    if seen and seen == rest[0][1]:
        return "ch02.q1.second"
    if seen:
        return "ch02.q1.rare"
    return "ch02.q1.wrong"


q1 = Task("ch02.q1", _check_q1, level="base")


# --- q2 (base): the misconception ---------------------------------------------------------------------

def _check_q2(answer):
    return {"b": None, "a": "ch02.q2.words", "c": "ch02.q2.characters"}.get(_letter(answer), "ch02.q2.invalid")


q2 = Task("ch02.q2", _check_q2, level="base")


# --- q3: count tokens ---------------------------------------------------------------------------------

_Q3_TEXTS = ("Der Haushaltsausschuss tagt heute.", "The budget committee meets today.",
             "Bundestagsabgeordnete und Abgeordnete")


@lru_cache(maxsize=1)
def _q3_tokenizer():
    from ..tokens import train_bpe

    return train_bpe([" ".join(_Q3_TEXTS) * 20], vocab_size=60)


def _check_q3(count_tokens):
    tokenizer = _q3_tokenizer()
    for text in _Q3_TEXTS:
        got = call(count_tokens, tokenizer, text)
        expected = len(tokenizer.encode(text).ids)
        if isinstance(got, (list, tuple)):
            return "ch02.q3.list"
        if got == expected:
            continue
        if got == len(text.split()):
            return "ch02.q3.words"
        if got == len(text):
            return "ch02.q3.chars"
        return "ch02.q3.wrong"
    return None


q3 = Task("ch02.q3", _check_q3)


# --- q4: the most frequent pair -----------------------------------------------------------------------

def _check_q4(most_frequent_pair):
    examples = [
        [list("haus"), list("maus"), list("aus"), list("hut")],        # ("a","u") and ("u","s") tie: both are right
        [list("xa"), list("by"), list("xa"), list("by"), list("ab")],   # ("a","b") wins only across word boundaries
        [["ha", "us"], ["ra", "t", "ha", "us"], ["ha", "l", "t"]],     # pieces longer than one letter
    ]
    for pieces in examples:
        got = call(most_frequent_pair, [list(w) for w in pieces])
        if not (isinstance(got, (tuple, list)) and len(got) == 2):
            return "ch02.q4.not_pair"
        counts = _pair_counts(pieces)
        top = counts.most_common(1)[0][1]
        if counts.get(tuple(got), 0) == top:  # ties: any pair with the top count is right
            continue
        if isinstance(got[0], tuple) and isinstance(got[1], int):
            return "ch02.q4.with_count"  # most_common(1)[0]: the pair and its count
        joined = [piece for word in pieces for piece in word]
        if _pair_counts([joined]).most_common(1)[0][0] == tuple(got):
            return "ch02.q4.across"
        return "ch02.q4.wrong"
    return None


q4 = Task("ch02.q4", _check_q4)


# --- q5: cosine similarity ------------------------------------------------------------------------------

def _check_q5(cosine_similarity):
    examples = [([1.0, 0.0], [0.0, 2.0]), ([3.0, 4.0], [6.0, 8.0]), ([1.0, 2.0, 2.0], [-2.0, 1.0, 0.5]),
                ([2.0, 1.0], [-4.0, -2.0])]
    for a, b in examples:
        got = float(call(cosine_similarity, np.array(a), np.array(b)))
        expected = float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))
        if math.isclose(got, expected, rel_tol=1e-6, abs_tol=1e-9):
            continue
        if math.isclose(got, float(np.dot(a, b)), rel_tol=1e-6):
            return "ch02.q5.dot"
        if math.isclose(got, float(np.dot(a, b) / np.linalg.norm(a)), rel_tol=1e-6) or \
                math.isclose(got, float(np.dot(a, b) / np.linalg.norm(b)), rel_tol=1e-6):
            return "ch02.q5.one_length"
        if math.isclose(got, float(np.linalg.norm(np.subtract(a, b))), rel_tol=1e-6):
            return "ch02.q5.distance"
        return "ch02.q5.wrong"
    return None


q5 = Task("ch02.q5", _check_q5)


# --- q6 (challenge): merge a pair ---------------------------------------------------------------------------

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


def _first_end(word, pair) -> int:
    """Where the first occurrence of the pair ends (len(word) when it does not occur)."""
    return next((i + 2 for i in range(len(word) - 1) if (word[i], word[i + 1]) == tuple(pair)), len(word))


def _check_q6(merge_pair):
    examples = [(list("haushalt"), ("h", "a")), (list("aus"), ("a", "u")), (list("hut"), ("a", "u")),
                (list("aaa"), ("a", "a")), (["ha", "us", "ha", "lt"], ("ha", "us"))]
    for word, pair in examples:
        got = list(call(merge_pair, list(word), pair))
        expected = _reference_merge(word, pair)
        if got == expected:
            continue
        if got == word:
            return "ch02.q6.unchanged"
        letters, expected_letters = len("".join(map(str, got))), len("".join(word))
        if letters > expected_letters:
            return "ch02.q6.overlap"  # a piece was merged twice, as in ["aa", "aa"] from ["a", "a", "a"]
        if letters < expected_letters:
            return "ch02.q6.lost"
        if got == _reference_merge(word[:_first_end(word, pair)], pair) + word[_first_end(word, pair):]:
            return "ch02.q6.first_only"
        return "ch02.q6.wrong"
    return None


q6 = Task("ch02.q6", _check_q6, level="challenge")
