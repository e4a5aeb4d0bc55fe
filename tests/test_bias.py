"""Chapter 8's measures against values worked out by hand on tiny inputs, and bad input in both languages."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from werkstatt import bias, i18n
from werkstatt.errors import WerkstattError


@pytest.fixture(autouse=True)
def german():
    i18n.set_language("de")
    yield
    i18n.set_language("de")


def table_scorer(table):
    """A fake model: log-probabilities written down by hand, looked up by (context, continuation)."""
    return lambda prefix, continuation: table[(prefix, continuation)]


# --- the template sets -----------------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["de", "en"])
def test_template_sets_are_complete(language):
    table = bias.load_templates(language)
    assert len(table) >= 50
    assert table["id"].is_unique
    assert set(table["stereotype"]) == {"female", "male", "none"}
    assert (table["female"] != table["male"]).all()
    assert all(t.count("[X]") == 1 for t in table["template"])
    assert len(set(table["kind"])) == 3  # pronouns, nouns (noun phrases in German), names


def test_german_set_keeps_matched_forms_and_article_with_the_noun():
    table = bias.load_templates("de")
    phrases = table[table["kind"] == "nominalphrase"]
    # each German job title comes with its own article, so the rest of the sentence is the same for both
    assert all(len(f.split()) == 2 and len(m.split()) == 2 for f, m in zip(phrases["female"], phrases["male"]))
    assert {"die Chirurgin", "eine Lehrerin"} <= set(phrases["female"])


@pytest.mark.parametrize("language", ["de", "en"])
def test_experiment_and_swaps_load(language):
    experiment = bias.load_experiment(language)
    assert {job["skew"] for job in experiment["jobs"]} == {"female", "male"}
    assert all(frame.count("[X]") == 1 for frame in experiment["train_frames"] + experiment["test_frames"])
    pairs = bias.load_swaps(language)
    assert len(pairs) >= 20 and all(f != m for f, m in pairs)


def test_unknown_language_gets_a_message():
    with pytest.raises(WerkstattError, match="'fr'") as caught:
        bias.load_templates("fr")
    assert caught.value.key == "bias.no_set" and "de, en" in str(caught.value)


# --- bad input: one sentence in the edition's language ------------------------------------------------------

def test_template_without_placeholder_is_refused_in_both_languages():
    with pytest.raises(WerkstattError, match="fehlt der Platzhalter"):
        bias.fill("Die Ärztin kommt.", "sie")
    i18n.set_language("en")
    with pytest.raises(WerkstattError, match="has no placeholder"):
        bias.probability_gap(lambda p, c: 0.0, "The doctor is here.", "she", "he")


def test_template_with_two_placeholders_is_refused():
    with pytest.raises(WerkstattError, match="2-mal"):
        bias.check_template("[X] sagt, dass [X] kommt.")


def test_unequal_word_lists_are_refused_in_both_languages():
    with pytest.raises(WerkstattError, match="unterschiedlich lang"):
        bias.probability_gaps(lambda p, c: 0.0, ["[X] kommt."] * 2, ["sie", "Anna"], ["er"])
    i18n.set_language("en")
    with pytest.raises(WerkstattError, match="different lengths"):
        bias.paired_preference(lambda p, c: 0.0, ["a", "b"], ["c"])


def test_empty_group_is_refused():
    with pytest.raises(WerkstattError, match="leer"):
        bias.paired_preference(lambda p, c: 0.0, [], [])
    with pytest.raises(WerkstattError, match="»X« ist leer"):
        bias.weat_effect_size([], [[1, 0]], [[1, 0]], [[0, 1]])
    i18n.set_language("en")
    with pytest.raises(WerkstattError, match="is empty"):
        bias.probability_gaps(lambda p, c: 0.0, ["[X] comes."], [], [])


def test_same_word_twice_and_empty_word_are_refused():
    with pytest.raises(WerkstattError, match="zwei verschiedene"):
        bias.probability_gap(lambda p, c: 0.0, "[X] kommt.", "sie", "sie")
    with pytest.raises(WerkstattError, match="leer"):
        bias.fill("[X] kommt.", "  ")


# --- measure 1: the probability gap ------------------------------------------------------------------------

def test_split_moves_the_space_to_the_word():
    assert bias.split_at_placeholder("The nurse said that [X] was late.", "she") == \
        ("The nurse said that", " she was late.")
    assert bias.split_at_placeholder("[X] is a nurse.", "Emily") == ("", "Emily is a nurse.")


def test_probability_gap_by_hand():
    # P(" she was late." | ctx) = e^-3, P(" he was late." | ctx) = e^-1: "he" is e² ≈ 7.4 times as likely.
    scorer = table_scorer({("The nurse said that", " she was late."): -3.0,
                           ("The nurse said that", " he was late."): -1.0})
    gap = bias.probability_gap(scorer, "The nurse said that [X] was late.", "she", "he")
    assert gap == pytest.approx(-2.0)
    assert bias.share_from_gap(gap) == pytest.approx(math.exp(-3) / (math.exp(-3) + math.exp(-1)))


def test_probability_gaps_one_per_template():
    scorer = table_scorer({("", "Anna kommt."): -5.0, ("", "Lukas kommt."): -4.0,
                           ("Heute", " sie."): -2.0, ("Heute", " er."): -2.5})
    gaps = bias.probability_gaps(scorer, ["[X] kommt.", "Heute [X]."], ["Anna", "sie"], ["Lukas", "er"])
    assert gaps == pytest.approx([-1.0, 0.5])


def test_share_from_gap_by_hand():
    assert bias.share_from_gap(0.0) == 0.5
    assert bias.share_from_gap(math.log(3)) == pytest.approx(0.75)


def test_oriented_gaps_flip_male_stereotypes_and_drop_neutral_ones():
    import pandas as pd

    table = pd.DataFrame({"stereotype": ["female", "male", "none"]})
    out = bias.oriented_gaps(table, [0.5, 0.5, 0.5])
    assert out[:2] == pytest.approx([0.5, -0.5]) and np.isnan(out[2])


# --- uncertainty: the bootstrap ------------------------------------------------------------------------------

def test_bootstrap_of_a_constant_is_that_constant():
    assert bias.bootstrap_ci([2.0, 2.0, 2.0]) == (2.0, 2.0)


def test_bootstrap_of_two_values_by_hand():
    # Resampling [0, 1] twice gives the means 0, 0.5, 1 with chances 1/4, 1/2, 1/4.
    low, high = bias.bootstrap_ci([0.0, 1.0], n_boot=4000, level=0.95, seed=1)
    assert (low, high) == (0.0, 1.0)
    assert bias.bootstrap_ci([0.0, 1.0], n_boot=4000, level=0.4, seed=1) == (0.5, 0.5)


def test_bootstrap_is_reproducible_and_refuses_a_bad_level():
    values = np.random.default_rng(0).normal(size=30)
    assert bias.bootstrap_ci(values, seed=3) == bias.bootstrap_ci(values, seed=3)
    estimate = bias.mean_with_ci(values)
    assert estimate.low < estimate.value < estimate.high and estimate.n == 30
    with pytest.raises(WerkstattError, match="Vertrauensniveau"):
        bias.bootstrap_ci(values, level=95)


# --- measure 2: paired sentences ---------------------------------------------------------------------------

def test_paired_preference_by_hand():
    scorer = table_scorer({("", "a1"): -1.0, ("", "b1"): -2.0,   # A wins
                           ("", "a2"): -3.0, ("", "b2"): -2.0,   # B wins
                           ("", "a3"): -1.0, ("", "b3"): -1.5,   # A wins
                           ("", "a4"): -4.0, ("", "b4"): -4.0})  # tie: counts half
    result = bias.paired_preference(scorer, ["a1", "a2", "a3", "a4"], ["b1", "b2", "b3", "b4"], seed=0)
    assert result.value == pytest.approx(2.5 / 4)
    assert 0.0 <= result.low <= result.value <= result.high <= 1.0
    assert result.n == 4


def test_paired_preference_all_one_way_has_no_spread():
    scorer = table_scorer({("", "a"): -1.0, ("", "b"): -2.0})
    result = bias.paired_preference(scorer, ["a"] * 5, ["b"] * 5)
    assert (result.value, result.low, result.high) == (1.0, 1.0, 1.0)


# --- measure 3: WEAT ---------------------------------------------------------------------------------------

X = [[1.0, 0.0], [0.6, 0.8]]
Y = [[0.0, 1.0], [0.8, 0.6]]
A = [[1.0, 0.0]]
B = [[0.0, 1.0]]


def test_association_by_hand():
    # s(w) = cos(w, a) − cos(w, b): 1 − 0, 0.6 − 0.8, 0 − 1, 0.8 − 0.6
    assert bias.association(X + Y, A, B) == pytest.approx([1.0, -0.2, -1.0, 0.2])


def test_weat_effect_size_by_hand():
    # mean s(X) = 0.4, mean s(Y) = −0.4; sample sd of [1, −0.2, −1, 0.2] = sqrt(2.08 / 3)
    assert bias.weat_effect_size(X, Y, A, B) == pytest.approx(0.8 / math.sqrt(2.08 / 3))
    # cosines ignore length: scaled vectors give the same d
    assert bias.weat_effect_size(np.array(X) * 5, Y, np.array(A) * 0.1, B) == \
        pytest.approx(bias.weat_effect_size(X, Y, A, B))
    assert bias.weat_effect_size(Y, X, A, B) == pytest.approx(-bias.weat_effect_size(X, Y, A, B))


def test_weat_exact_p_value_by_hand():
    # The 6 ways to split {1, −0.2, −1, 0.2} in two halves give 2·(sum of the first half):
    # 1.6 (observed), 0, 2.4, −2.4, 0, −1.6 → 2 of 6 are at least 1.6.
    assert bias.weat_p_value(X, Y, A, B) == pytest.approx(2 / 6)
    assert bias.weat_p_value([[1.0, 0.0]], [[0.0, 1.0]], A, B) == pytest.approx(1 / 2)


def test_weat_sampled_p_value_is_close_to_exact():
    rng = np.random.default_rng(0)
    Xb, Yb = rng.normal(size=(8, 5)) + 0.5, rng.normal(size=(8, 5))
    Ab, Bb = rng.normal(size=(4, 5)) + 0.5, rng.normal(size=(4, 5))
    exact = bias.weat_p_value(Xb, Yb, Ab, Bb, n_perm=100_000)  # C(16, 8) = 12870 splits: exact
    sampled = bias.weat_p_value(Xb, Yb, Ab, Bb, n_perm=4000, seed=1)
    assert abs(exact - sampled) < 0.03
    assert 0 < sampled <= 1


def test_weat_refuses_unequal_target_sets():
    with pytest.raises(WerkstattError, match="unterschiedlich lang"):
        bias.weat([[1, 0]], [[0, 1], [1, 1]], A, B)


# --- scorers -----------------------------------------------------------------------------------------------

def test_char_scorer_matches_a_hand_computed_softmax():
    from werkstatt.gpt import GPT, CharTokenizer, GPTConfig

    torch.manual_seed(0)
    tokenizer = CharTokenizer.from_text("\nabc ")
    model = GPT(GPTConfig(vocab_size=tokenizer.vocab_size, context=16, n_layer=1, n_head=2, n_embd=8)).eval()
    scorer = bias.char_model_scorer(model, tokenizer)
    ids = tokenizer.encode("\nab c")
    with torch.no_grad():
        logits, _ = model(torch.tensor([ids[:-1]]))
    logps = torch.log_softmax(logits[0], -1)
    by_hand = float(logps[2, ids[3]] + logps[3, ids[4]])  # log P(" " | "\nab") + log P("c" | "\nab ")
    assert scorer("ab", " c") == pytest.approx(by_hand, abs=1e-5)
    # the chain rule: P(bc | a) = P(b | a) · P(c | ab)
    assert scorer("a", "bc") == pytest.approx(scorer("a", "b") + scorer("ab", "c"), abs=1e-5)


class _LetterTokenizer:
    """A stand-in for a Hugging Face tokenizer: one token per character, id 0 is <|endoftext|>."""

    unk_token_id = None
    bos_token_id = None
    eos_token_id = 0

    def convert_tokens_to_ids(self, token):
        return 0 if token == "<|endoftext|>" else None

    def __call__(self, text, add_special_tokens=False):
        return {"input_ids": [1 + ord(c) % 40 for c in text]}


def test_causal_lm_scorer_follows_the_chain_rule():
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(vocab_size=41, n_positions=32, n_embd=16, n_layer=1, n_head=2)).eval()
    scorer = bias.causal_lm_scorer(model, _LetterTokenizer())
    total = scorer("", "she")
    assert total < 0
    assert total == pytest.approx(scorer("", "s") + scorer("s", "he"), abs=1e-4)
    assert bias.sentence_logprob(scorer, "she") == total


# --- counterfactual augmentation and the skewed corpus -------------------------------------------------------

def test_swap_english_words_both_ways_keeping_capitals():
    pairs = bias.load_swaps("en")
    assert bias.swap_gender("She said he was her friend.", pairs) == "He said she was his friend."
    assert bias.swap_gender("The theme is shelter.", pairs) == "The theme is shelter."  # whole words only


def test_swap_german_phrases_before_single_words():
    pairs = [("die Lehrerin", "der Lehrer"), ("sie", "er")]
    assert bias.swap_gender("Gestern sagte die Lehrerin, dass sie kommt.", pairs) == \
        "Gestern sagte der Lehrer, dass er kommt."
    assert bias.swap_gender("Er lobt der Lehrerin.", pairs) == "Sie lobt der Lehrerin."  # no half matches
    # a word list does not know grammar: plural "sie" becomes "er" (Zmigrod et al. 2019)
    assert bias.swap_gender("Die Kinder sagen, sie kommen.", pairs) == "Die Kinder sagen, er kommen."


def test_counterfactual_augmentation_doubles_and_balances():
    text = "she is a nurse"
    out = bias.counterfactual_augment(text, [("she", "he")])
    assert out == "she is a nurse\n\nhe is a nurse"


def test_skewed_sentences_follow_the_share():
    experiment = bias.load_experiment("en")
    sentences = bias.skewed_sentences(experiment, 2000, share=0.9, seed=0)
    nurse = [s for s in sentences if "nurse" in s]
    share_she = np.mean([" she " in f" {s} " for s in nurse])
    assert 0.86 < share_she < 0.94
    assert all(" he " in f" {s} " for s in bias.skewed_sentences(experiment, 40, share=1.0) if "pilot" in s)
    with pytest.raises(WerkstattError):
        bias.skewed_sentences(experiment, 10, share=1.5)


def test_weave_keeps_every_paragraph_and_sentence():
    text = "\n\n".join(f"Rede {i}" for i in range(10))
    out = bias.weave(text, ["S1", "S2", "S3"], seed=2).split("\n\n")
    assert sorted(out) == sorted([f"Rede {i}" for i in range(10)] + ["S1", "S2", "S3"])
    assert [p for p in out if p.startswith("Rede")] == [f"Rede {i}" for i in range(10)]


def test_experiment_gaps_and_skew_effect_by_hand():
    experiment = {"jobs": [{"job": "nurse", "female": "she", "male": "he", "skew": "female"},
                           {"job": "pilot", "female": "she", "male": "he", "skew": "male"}],
                  "test_frames": ["The {job} said [X]", "Then the {job} said [X]"]}
    # a fake model that prefers "she" by 1 nat after "nurse" and "he" by 2 nats after "pilot",
    # and prefers "he" by 0.5 nats everywhere else
    def scorer(prefix, continuation):
        if "nurse" in prefix:
            return -1.0 if continuation == " she" else -2.0
        if "pilot" in prefix:
            return -3.0 if continuation == " she" else -1.0
        return -1.5 if continuation == " she" else -1.0

    table = bias.experiment_gaps(scorer, experiment)
    assert list(table["gap"]) == [1.0, 1.0, -2.0, -2.0]
    assert list(table["template"])[0] == "The nurse said [X]"
    assert list(table["frame"]) == [0, 1, 0, 1]
    effect = bias.skew_effect(table)
    assert (effect.value, effect.low, effect.high, effect.n) == (3.0, 3.0, 3.0, 2)  # 1 − (−2) in both frames
    # a constant preference for "he" after every job cancels out
    flat = bias.experiment_gaps(lambda p, c: -1.5 if c == " she" else -1.0, experiment)
    assert bias.skew_effect(flat).value == 0.0


def test_skew_effect_compares_within_each_frame():
    import pandas as pd

    # frame 0: female-skewed jobs 2 and 0 (mean 1), male-skewed −1 → 2; frame 1: 5 vs 4 → 1. Mean 1.5.
    table = pd.DataFrame({"frame": [0, 0, 0, 1, 1, 1], "skew": ["female", "female", "male", "female", "female", "male"],
                          "gap": [2.0, 0.0, -1.0, 5.0, 5.0, 4.0]})
    effect = bias.skew_effect(table, n_boot=4000, seed=1)
    assert effect.value == pytest.approx(1.5) and effect.n == 2
    assert (effect.low, effect.high) == (1.0, 2.0)  # resampling two frames: means 1, 1.5 or 2
    with pytest.raises(WerkstattError, match="leer"):
        bias.skew_effect(pd.DataFrame({"frame": [0], "skew": ["female"], "gap": [1.0]}))


def test_bar_chart_has_title_axes_and_alt_text():
    import matplotlib

    matplotlib.use("Agg")
    estimates = [bias.Estimate(0.5, 0.2, 0.8, 10), bias.Estimate(-0.1, -0.3, 0.1, 10)]
    fig, alt = bias.bar_chart(["a", "b"], estimates, "Titel", "y", "x")
    ax = fig.axes[0]
    assert ax.get_title() == "Titel" and ax.get_xlabel() == "x" and ax.get_ylabel() == "y"
    assert "0,50" in alt and "95" in alt  # German number format in the German edition
