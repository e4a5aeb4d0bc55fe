"""Chapter 2 self-checks: the reference passes, the stub is 'not attempted', plausible mistakes fail."""
from __future__ import annotations

from collections import Counter

import numpy as np

from werkstatt import i18n
from werkstatt.checks import Status
from werkstatt.exercises import ch02

from exercise_support import language, reference  # noqa: F401  (language: both editions)


def test_q1_count_tokens():
    assert ch02.q1.evaluate(reference(ch02.q1)["count_tokens"]).ok
    assert ch02.q1.evaluate(lambda tokenizer, text: None).status is Status.UNATTEMPTED
    words = ch02.q1.evaluate(lambda tokenizer, text: len(text.split()))
    assert words.status is Status.WRONG and i18n.msg("ch02.q1.words") in words.message
    assert ch02.q1.evaluate(lambda tokenizer, text: len(text)).status is Status.WRONG


def test_q2_most_frequent_pair():
    assert ch02.q2.evaluate(reference(ch02.q2)["most_frequent_pair"]).ok
    assert ch02.q2.evaluate(lambda pieces: ...).status is Status.UNATTEMPTED

    def across_words(pieces):
        joined = [piece for word in pieces for piece in word]
        return Counter(zip(joined, joined[1:])).most_common(1)[0][0]

    def single_piece(pieces):
        return Counter(piece for word in pieces for piece in word).most_common(1)[0][0]

    result = ch02.q2.evaluate(across_words)
    assert result.status is Status.WRONG and i18n.msg("ch02.q2.across") in result.message
    assert ch02.q2.evaluate(single_piece).status is Status.WRONG


def test_q3_merge_pair():
    assert ch02.q3.evaluate(reference(ch02.q3)["merge_pair"]).ok
    assert ch02.q3.evaluate(lambda word, pair: None).status is Status.UNATTEMPTED

    def first_only(word, pair):
        for i in range(len(word) - 1):
            if (word[i], word[i + 1]) == tuple(pair):
                return word[:i] + [word[i] + word[i + 1]] + word[i + 2:]
        return word

    def overlapping(word, pair):  # merges every position, so "aaa" becomes ["aa", "aa"]
        out = [word[i] + word[i + 1] if (word[i], word[i + 1]) == tuple(pair) else word[i]
               for i in range(len(word) - 1)]
        return out + [word[-1]] if (word[-2], word[-1]) != tuple(pair) else out

    assert ch02.q3.evaluate(first_only).status is Status.WRONG
    assert ch02.q3.evaluate(overlapping).status is Status.WRONG


def test_q4_cosine_similarity():
    assert ch02.q4.evaluate(reference(ch02.q4)["cosine_similarity"]).ok
    assert ch02.q4.evaluate(lambda a, b: None).status is Status.UNATTEMPTED
    dot = ch02.q4.evaluate(lambda a, b: np.dot(a, b))
    assert dot.status is Status.WRONG and i18n.msg("ch02.q4.dot") in dot.message
    assert ch02.q4.evaluate(lambda a, b: np.dot(a, b) / np.linalg.norm(a)).status is Status.WRONG


def test_q5_misconception():
    assert ch02.q5.evaluate(reference(ch02.q5)["answer_q5"]).ok
    assert ch02.q5.evaluate(None).status is Status.UNATTEMPTED
    assert ch02.q5.evaluate("a").status is Status.WRONG
    assert ch02.q5.evaluate("yes").status is Status.WRONG
