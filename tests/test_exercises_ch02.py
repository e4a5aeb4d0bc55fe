"""Chapter 2 self-checks: the reference passes, the stub is 'not attempted', plausible mistakes fail with a fitting hint."""
from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from werkstatt import i18n
from werkstatt.checks import Status
from werkstatt.exercises import ch02

from exercise_support import assert_rejected, language, reference  # noqa: F401  (language: both editions)


def _across_words(pieces):
    joined = [piece for word in pieces for piece in word]
    return Counter(zip(joined, joined[1:])).most_common(1)[0][0]


def _first_only(word, pair):
    for i in range(len(word) - 1):
        if (word[i], word[i + 1]) == tuple(pair):
            return word[:i] + [word[i] + word[i + 1]] + word[i + 2:]
    return word


def _overlapping(word, pair):  # merges at every position, so "aaa" becomes ["aa", "aa"]
    out = [word[i] + word[i + 1] if (word[i], word[i + 1]) == tuple(pair) else word[i] for i in range(len(word) - 1)]
    return out + [word[-1]] if (word[-2], word[-1]) != tuple(pair) else out


def _dropping(word, pair):  # keeps only the first piece of a merged pair
    merged, i = [], 0
    while i < len(word):
        merged.append(word[i])
        i += 2 if i + 1 < len(word) and (word[i], word[i + 1]) == tuple(pair) else 1
    return merged


def WRONG_ANSWERS():
    """Plausible mistakes, each with the hint it must get; task 1's words differ between the editions."""
    second, too_long, rare = {"de": ("us", "aus", "ha"), "en": ("us", "ous", "ho")}[i18n.get_language()]
    return {
        "ch02.q1": [(second, "ch02.q1.second"), (too_long, "ch02.q1.too_long"), (rare, "ch02.q1.rare"),
                    ("sm", "ch02.q1.wrong"), (3, "ch02.q1.invalid")],
        "ch02.q2": [("a", "ch02.q2.words"), ("c", "ch02.q2.characters"), ("yes", "ch02.q2.invalid")],
        "ch02.q3": [(lambda tokenizer, text: len(text.split()), "ch02.q3.words"),
                    (lambda tokenizer, text: len(text), "ch02.q3.chars"),
                    (lambda tokenizer, text: tokenizer.encode(text).ids, "ch02.q3.list")],
        "ch02.q4": [(_across_words, "ch02.q4.across"),
                    (lambda pieces: Counter(p for word in pieces for p in word).most_common(1)[0][0], "ch02.q4.not_pair"),
                    (lambda pieces: Counter(p for word in pieces for p in zip(word, word[1:])).most_common(1)[0],
                     "ch02.q4.with_count"),
                    (lambda pieces: Counter(p for word in pieces for p in zip(word, word[1:])).most_common()[-1][0],
                     "ch02.q4.wrong")],
        "ch02.q5": [(lambda a, b: np.dot(a, b), "ch02.q5.dot"),
                    (lambda a, b: np.dot(a, b) / np.linalg.norm(a), "ch02.q5.one_length"),
                    (lambda a, b: np.linalg.norm(a - b), "ch02.q5.distance"),
                    (lambda a, b: np.dot(a, b) / (np.linalg.norm(a) + np.linalg.norm(b)), "ch02.q5.wrong")],
        "ch02.q6": [(_first_only, "ch02.q6.first_only"), (_overlapping, "ch02.q6.overlap"),
                    (lambda word, pair: word, "ch02.q6.unchanged"), (_dropping, "ch02.q6.lost")],
    }


@pytest.mark.parametrize("task, solution", [(ch02.q1, "answer_q1"), (ch02.q2, "answer_q2"), (ch02.q3, "count_tokens"),
                                            (ch02.q4, "most_frequent_pair"), (ch02.q5, "cosine_similarity"),
                                            (ch02.q6, "merge_pair")])
def test_reference_is_accepted_and_the_stub_is_not_attempted(task, solution):
    assert task.evaluate(reference(task)[solution]).ok
    stub = None if solution.startswith("answer_") else (lambda *args: None)
    assert task.evaluate(stub).status is Status.UNATTEMPTED


def test_task_1_accepts_the_pair_written_either_way(language):
    first = {"de": ("a", "u"), "en": ("o", "u")}[language]
    assert ch02.q1.evaluate(first).ok and ch02.q1.evaluate(list(first)).ok
    assert ch02.q1.evaluate(" " + "".join(first).upper()).ok
    words = ch02.Q1_WORDS[language]
    assert Counter(p for w in words for p in zip(w, w[1:])).most_common(1)[0][0] == first  # the answer fits the words


def test_plausible_mistakes_get_their_hint():
    for name, wrong in WRONG_ANSWERS().items():
        assert_rejected(getattr(ch02, name.split(".")[1]), wrong)


def test_ties_are_both_right():
    tie = [list("haus"), list("maus"), list("aus"), list("hut")]
    assert Counter(p for w in tie for p in zip(w, w[1:])).most_common(2)[1][1] == 3
    assert ch02.q4.evaluate(lambda pieces: ("u", "s") if pieces[0] == list("haus") else
                            reference(ch02.q4)["most_frequent_pair"](pieces)).ok
