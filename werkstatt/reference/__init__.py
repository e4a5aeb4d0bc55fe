"""The course's reference model beside the learner's own: chapter 4's result, visible on any machine.

The folders `tiny-gpt-de/` and `tiny-gpt-en/` beside this file are releases as chapter 4 teaches them (five
artifacts and a model card): the tiny GPT of chapter 4, trained in the standard profile for all its steps on the
edition's speeches by `scripts/train_reference.py`. When a slow or busy computer stops the learner's training
early, `compare` still shows what the lesson is about (a GPT that beats the bigram model), clearly labelled as
the course's model, and says truthfully why the learner's own model stopped where it did.
"""
from __future__ import annotations

import math

from ..i18n import msg, num


def compare(history, bigram_loss: float, train_config=None, *, own_text: bool = False, prompt: str | None = None,
            length: int = 250, temperature: float = 0.8, seed: int = 2, language: str | None = None) -> dict:
    """Print the learner's validation loss, the bigram model's and the reference model's, with one sample of the
    reference model. Returns the figures (for tests and for the learner's own comparisons)."""
    from ..gpt import sample
    from ..profiles import current_profile
    from ..release import load_reference

    own = history.final_val_loss
    steps = train_config.steps if train_config is not None else history.last_step
    print(msg("reference.own", loss=num(own, 3), step=num(history.last_step), steps=num(steps),
              bigram=num(bigram_loss, 3)))
    if math.isfinite(own) and own < bigram_loss:
        print(msg("reference.own_better", difference=num(bigram_loss - own, 3)))
    else:
        print(msg("reference.own_not_better"))
    reason = _why_it_stopped(history, steps, current_profile())
    if reason:
        print(msg(reason, step=num(history.last_step), steps=num(steps)))

    model, tokenizer, metadata = load_reference(language)
    reference_loss = float(metadata["final_val_loss"])
    print()
    print(msg("reference.model", loss=num(reference_loss, 3), steps=num(metadata["loss_curve"]["steps"][-1]),
              bigram=num(metadata["bigram_val_loss"], 3), difference=num(metadata["bigram_val_loss"] - reference_loss, 3)))
    if own_text:
        print(msg("reference.other_text"))
    prompt = prompt if prompt is not None else msg("reference.prompt")
    prompt = "".join(ch for ch in prompt if ch in tokenizer.stoi) or "\n"  # only characters the model knows
    text = sample(model, tokenizer, prompt, length=length, temperature=temperature, seed=seed)
    print(msg("reference.sample_title", temperature=num(temperature, 1)))
    print(text)
    return {"own": own, "bigram": bigram_loss, "reference": reference_loss, "reference_sample": text,
            "reason": reason}


def _why_it_stopped(history, steps: int, profile: str) -> str | None:
    """The message key that says truthfully why the learner's run ended before its last step (None if it did not)."""
    if history.last_step >= steps and not history.stopped_by_budget:
        return "reference.why_quick_profile" if profile == "quick" else None
    if history.diverged:
        return "reference.why_diverged"
    if history.interrupted:
        return "reference.why_interrupted"
    if history.stopped_by_budget:
        return "reference.why_quick" if profile == "quick" else "reference.why_slow"
    return None
