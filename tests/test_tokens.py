"""Chapter 2's plumbing: the BPE tokenizer, the token counts, Zipf data and the word vectors."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from werkstatt import i18n
from werkstatt.errors import WerkstattError
from werkstatt.tokens import PARALLEL, WordVectors, chars_per_token, count_tokens, pca_2d, train_bpe, zipf_table

TEXT = ("Der Haushaltsausschuss berät den Haushalt. Der Ausschuss tagt im Haus. " * 30
        + "The budget committee discusses the budget. The committee meets in the House. " * 30)


def test_bpe_round_trip_and_merges_make_tokens_longer_than_characters():
    tokenizer = train_bpe([TEXT], vocab_size=120)
    sentence = "Der Haushaltsausschuss tagt."
    assert tokenizer.decode(tokenizer.encode(sentence).ids) == sentence
    assert count_tokens(tokenizer, sentence) < len(sentence)
    assert chars_per_token(tokenizer, sentence) > 1


def test_a_tokenizer_favours_the_language_it_was_trained_on():
    german, english = zip(*PARALLEL)
    only_english = train_bpe([" ".join(english) * 5], vocab_size=300)
    assert sum(count_tokens(only_english, s) for s in german) > sum(count_tokens(only_english, s) for s in english)


def test_vocab_size_and_empty_text_give_messages():
    i18n.set_language("en")
    with pytest.raises(WerkstattError, match="vocab_size") as caught:
        train_bpe([TEXT], vocab_size=5)
    assert caught.value.key == "error.out_of_range"
    with pytest.raises(WerkstattError) as caught:
        count_tokens(train_bpe([TEXT], vocab_size=80), "")
    assert caught.value.key == "tokens.empty_text" and str(caught.value).strip()


@pytest.mark.parametrize("language", ["de", "en"])
def test_zipf_table_falls_with_rank(language):
    ranks, shares = zipf_table(language, 200)
    assert list(ranks[:3]) == [1, 2, 3]
    assert np.all(np.diff(shares) <= 0) and shares[0] > 10 * shares[-1]


def test_word_vectors_put_words_from_the_same_slot_together():
    animals, verbs, things = ["katze", "hund", "maus"], ["jagt", "frisst", "sieht"], ["futter", "ball", "knochen"]
    text = " . ".join(f"{a} {v} {t}" for a, v, t in itertools.product(animals, verbs, things)) * 20
    vectors = WordVectors(text, vocab_size=50, window=1, dims=4)
    assert np.allclose(np.linalg.norm(vectors.vectors, axis=1), 1)
    for group in (animals, verbs, things):  # words that fill the same slot get the closest vectors
        assert {word for word, _ in vectors.neighbours(group[0], k=2)} == set(group[1:])
    i18n.set_language("de")
    with pytest.raises(WerkstattError, match="giraffe"):
        vectors.neighbours("giraffe")


def test_pca_2d_keeps_the_main_direction():
    rng = np.random.default_rng(0)
    points = np.outer(np.linspace(-5, 5, 40), [1.0, 2.0, 0.5]) + rng.normal(scale=0.01, size=(40, 3))
    flat = pca_2d(points)
    assert flat.shape == (40, 2)
    assert np.var(flat[:, 0]) > 100 * np.var(flat[:, 1])
