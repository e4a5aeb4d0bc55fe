"""Chapter 3's small character model: it learns, its heads are proper masked distributions."""
from __future__ import annotations

import torch

from werkstatt.attention import evaluate_loss, train_char_attention


def test_small_model_learns_a_repeating_pattern_and_never_looks_ahead():
    text = "der rat tagt. " * 200
    model, losses = train_char_attention(text, steps=60, d_model=16, n_heads=2, block=16, batch=8)
    assert sum(losses[-10:]) / 10 < 0.5 * sum(losses[:10]) / 10
    assert evaluate_loss(model, text, batches=3, batch=4) < losses[0]
    weights = model.head_weights("der rat tagt")
    assert weights.shape == (2, 12, 12)
    assert torch.allclose(weights.sum(dim=-1), torch.ones(2, 12))
    assert (weights.triu(diagonal=1) == 0).all()  # the future always gets weight 0
