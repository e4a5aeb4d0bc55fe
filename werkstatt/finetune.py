"""Fine-tuning with LoRA (`peft`): the bookkeeping around the training loop of chapter 6.

The notebook explains what LoRA trains and what stays frozen; this module holds the loop, the
held-out measurement and the checks on the learner's settings. Every setting is checked before work
starts; pressing stop keeps the steps done so far, and a run whose loss turns into NaN goes back to
its last good adapter weights.
"""
from __future__ import annotations

import math
import re
import time

from .errors import WerkstattError, check_number, shown
from .i18n import msg, num


MAX_RANK = 64
MAX_NEW_TOKENS = 2048        # SmolLM2's context: more new tokens than that cannot be read back anyway
BLOCK_LENGTHS = (8, 2048)    # tokens per block: shorter blocks teach nothing, longer ones exceed the context
MIN_PIECES = 10              # a 90/10 split by paragraphs needs at least this many, else the text is cut by length


def check_rank(rank: int) -> int:
    """The LoRA rank, or a clear message when it is not a whole number from 1 to 64."""
    if isinstance(rank, bool) or not isinstance(rank, int) or not 1 <= rank <= MAX_RANK:
        raise WerkstattError("finetune.rank", value=shown(rank))
    return rank


def check_learning_rate(learning_rate: float) -> float:
    """The learning rate, or a clear message when it lies outside 1e-6 … 1e-2."""
    return float(check_number("learning_rate", learning_rate, 1e-6, 1e-2))


# ---------------------------------------------------------------------------------------------------------
# Text into blocks: works for any accepted upload, whatever its line endings or paragraphs.

def normalise(text: str) -> str:
    """Windows (\\r\\n) and old Mac (\\r) line endings become \\n, so blank lines are found in every upload."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs (cut at blank lines, also blank lines with spaces in them), without empty ones."""
    return [part.strip() for part in re.split(r"\n[ \t]*\n", normalise(text)) if part.strip()]


def split_texts(texts, train_fraction: float = 0.9) -> tuple[list[str], list[str]]:
    """Practice and test texts: the first `train_fraction` of the paragraphs (or speeches) and the rest.

    A text with fewer than ten paragraphs (one without blank lines, say) is cut by length instead, at a line
    break or space near the cut, so the test part is never empty.
    """
    check_number("train_fraction", train_fraction, 0.5, 0.95)
    pieces = _pieces(texts)
    if len(pieces) >= MIN_PIECES:
        cut = int(len(pieces) * train_fraction)
        return pieces[:cut], pieces[cut:]
    whole = "\n\n".join(pieces)
    cut = int(len(whole) * train_fraction)
    for mark in ("\n", " "):  # a line break near the cut, else a space, so no word is cut in two
        nearby = whole.rfind(mark, 0, cut)
        if nearby > 0.8 * cut:
            cut = nearby
            break
    return [whole[:cut].strip()], [whole[cut:].strip()]


def _pieces(texts) -> list[str]:
    if isinstance(texts, str):
        return paragraphs(texts)
    if texts is None or not hasattr(texts, "__iter__"):
        raise WerkstattError("finetune.no_texts", value=shown(texts)[:40])
    pieces = [normalise(t).strip() for t in texts if isinstance(t, str) and t.strip()]
    if not pieces:
        raise WerkstattError("finetune.no_texts", value=shown(texts)[:40])
    return pieces


def token_blocks(tokenizer, texts, length: int, needed: int = 2):
    """Cut the joined `texts` (a list of texts, or one text) into blocks of `length` tokens: a (n, length) tensor."""
    import torch

    length = check_number("length", length, *BLOCK_LENGTHS, whole=True)
    needed = check_number("needed", needed, 1, None, whole=True)
    joined = "\n\n".join(_pieces(texts)) if not isinstance(texts, str) else normalise(texts)
    ids = tokenizer(joined, return_tensors="pt")["input_ids"][0]
    blocks = len(ids) // length
    if blocks < needed:
        characters = int(len(joined) / max(len(ids), 1) * needed * length) + 1  # this text's characters per token
        raise WerkstattError("finetune.too_little_text", blocks=num(blocks), length=num(length), needed=num(needed),
                             tokens=num(len(ids)), minimum=num(needed * length), characters=num(characters))
    return ids[: blocks * length].view(blocks, length).to(torch.long)


def _check_blocks(blocks, name: str = "blocks"):
    import torch

    if not isinstance(blocks, torch.Tensor) or blocks.dim() != 2 or len(blocks) == 0:
        raise WerkstattError("finetune.bad_blocks", name=name)
    return blocks


# ---------------------------------------------------------------------------------------------------------
# Adapters.

def add_lora(model, rank: int = 8, layers: int = 8, targets: tuple[str, ...] = ("q_proj", "v_proj"),
             alpha: int | None = None):
    """Wrap `model` with LoRA adapters on `targets` in its last `layers` transformer layers; all else is frozen.

    Called again on a model that already has adapters, it replaces them while they are untrained and refuses
    (with a message) once they have learned something, so trained adapters are never stacked or thrown away.
    """
    from peft import LoraConfig, get_peft_model

    check_rank(rank)
    if alpha is not None:
        check_number("alpha", alpha, 0, 1024, low_open=True)
    model = _without_untrained_adapters(model)
    total = model.config.num_hidden_layers
    if isinstance(layers, bool) or not isinstance(layers, int) or not 1 <= layers <= total:
        raise WerkstattError("finetune.layers", value=shown(layers), total=num(total))
    targets = _check_targets(model, targets)
    config = LoraConfig(r=rank, lora_alpha=alpha or 2 * rank, lora_dropout=0.0, target_modules=list(targets),
                        layers_to_transform=list(range(total - layers, total)), bias="none", task_type="CAUSAL_LM")
    import warnings

    with warnings.catch_warnings():  # a deprecation notice inside peft/transformers, not the learner's business
        warnings.simplefilter("ignore", FutureWarning)
        return get_peft_model(model, config)


def _without_untrained_adapters(model):
    """The model itself when it has no adapters; its base model when its adapters are still untrained."""
    lora_b = [p for name, p in model.named_parameters() if "lora_B" in name]
    if not lora_b and not hasattr(model, "peft_config"):
        return model
    if any(bool(p.detach().abs().sum() > 0) for p in lora_b):  # LoRA's B starts at zero: nonzero = trained
        raise WerkstattError("finetune.already_lora")
    print(msg("finetune.lora_replaced"))
    return model.unload() if hasattr(model, "unload") else model.base_model.model


def _check_targets(model, targets) -> tuple[str, ...]:
    targets = (targets,) if isinstance(targets, str) else targets
    linear = sorted({name.rsplit(".", 1)[-1] for name, module in model.named_modules()
                     if type(module).__name__ == "Linear" and "lm_head" not in name})
    if not isinstance(targets, (list, tuple)) or not targets or any(t not in linear for t in targets):
        raise WerkstattError("finetune.targets", value=shown(targets), known=", ".join(linear))
    return tuple(targets)


def count_parameters(model) -> tuple[int, int]:
    """(trainable, total) parameter counts."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return trainable, sum(p.numel() for p in model.parameters())


def describe_trainable(model) -> str:
    """One sentence: how many parameters train and how many stay frozen."""
    trainable, total = count_parameters(model)
    return msg("finetune.trainable", trainable=num(trainable), total=num(total), share=num(100 * trainable / total, 2))


# ---------------------------------------------------------------------------------------------------------
# Measuring and training.

def heldout_loss(model, blocks, batch_size: int = 4) -> float:
    """Average next-token cross-entropy (nats per token) on `blocks`, without training."""
    import torch

    _check_blocks(blocks, "heldout_blocks")
    batch_size = check_number("batch_size", batch_size, 1, 64, whole=True)
    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(blocks), batch_size):
            batch = blocks[start: start + batch_size]
            loss = model(input_ids=batch, labels=batch).loss
            total += float(loss) * len(batch)
            count += len(batch)
    model.train(was_training)
    return total / max(count, 1)


class Losses(list):
    """The loss of every step (a plain list for plotting), plus how the run ended and what continuing it needs."""

    planned = 0                 # the steps the run was asked for
    stopped_by_budget = False
    interrupted = False
    _state = None               # the model, its optimizer and the batch generator, for train(..., resume=losses)


def train(model, blocks, steps: int, learning_rate: float = 1e-3, batch_size: int = 2,
          time_budget: float | None = None, seed: int = 0, resume: Losses | None = None) -> Losses:
    """Train the trainable (LoRA) parameters for `steps` steps on random batches of `blocks`; returns the losses.

    Pressing stop (KeyboardInterrupt) ends training early and keeps everything: the adapters as trained so far,
    the losses so far (returned, so the next cell draws them) and the model in evaluation mode.
    `resume=losses` carries on a run that the time budget or the stop button ended, up to `steps` in all, with the
    same optimizer state and batch stream and a fresh time budget for this call.
    """
    import torch
    from tqdm.auto import tqdm

    _check_blocks(blocks, "train_blocks")
    steps = check_number("steps", steps, 1, 100_000, whole=True)
    check_learning_rate(learning_rate)
    batch_size = check_number("batch_size", batch_size, 1, 64, whole=True)
    check_number("time_budget", time_budget, 0, None, low_open=True, optional=True)
    seed = check_number("seed", seed, 0, 2 ** 32 - 1, whole=True)
    trainable = [p for p in model.parameters() if p.requires_grad]
    if not trainable:
        raise WerkstattError("finetune.nothing_trainable")
    if resume is not None:
        losses, optimiser, generator = _resume(resume, model, steps)
        if len(losses) >= steps:
            return losses
    else:
        generator = torch.Generator().manual_seed(seed)
        optimiser = torch.optim.AdamW(trainable, lr=learning_rate)
        losses = Losses()
    losses._state = {"model": model, "optimizer": optimiser, "generator": generator}
    losses.planned, losses.stopped_by_budget, losses.interrupted = steps, False, False
    good = [p.detach().clone() for p in trainable]  # the adapters that last gave a finite loss
    model.train()
    started = time.perf_counter()
    bar = tqdm(range(len(losses), steps), initial=len(losses), total=steps, desc=msg("finetune.progress"))
    try:
        for step in bar:
            rows = torch.randint(len(blocks), (batch_size,), generator=generator)
            batch = blocks[rows]
            loss = model(input_ids=batch, labels=batch).loss
            value = loss.item()
            if not math.isfinite(value):  # diverged: go back to the adapters that still gave a finite loss
                with torch.no_grad():
                    for parameter, saved in zip(trainable, good):
                        parameter.copy_(saved)
                print(msg("finetune.diverged", step=num(step + 1), lr=shown(learning_rate)))
                break
            with torch.no_grad():
                for parameter, saved in zip(trainable, good):
                    saved.copy_(parameter)
            loss.backward()
            optimiser.step()
            optimiser.zero_grad(set_to_none=True)
            losses.append(value)
            if time_budget is not None and time.perf_counter() - started > time_budget and step + 1 < steps:
                losses.stopped_by_budget = True
                print(budget_message(losses, time_budget))
                break
    except KeyboardInterrupt:
        optimiser.zero_grad(set_to_none=True)
        losses.interrupted = True
        print(msg("finetune.interrupted", steps=num(len(losses)), total=num(steps)))
    finally:
        bar.close()
        model.eval()
    return losses


def budget_message(losses: Losses, time_budget: float) -> str:
    """Why the budget ended the run, truthfully: the quick profile is short on purpose; otherwise this machine is
    slower (or busier) than the lesson plans for, and the learner can carry on."""
    from .profiles import current_profile

    key = "finetune.budget_quick" if current_profile() == "quick" else "finetune.budget_slow"
    return msg(key, seconds=num(time_budget), steps=num(len(losses)), total=num(losses.planned))


def stopped_early_note(losses: Losses) -> str | None:
    """After the before/after measurement: what a run that stopped early means for it (None if it ran all steps)."""
    if not isinstance(losses, Losses) or len(losses) >= losses.planned:
        return None
    return msg("finetune.stopped_early", steps=num(len(losses)), total=num(losses.planned))


def _resume(losses, model, steps: int):
    if not isinstance(losses, Losses):
        raise WerkstattError("finetune.resume_not_losses", value=type(losses).__name__)
    if losses._state is None:
        raise WerkstattError("train.resume_no_state")
    if losses._state["model"] is not model:
        raise WerkstattError("train.resume_other_model")
    if len(losses) >= steps:
        print(msg("finetune.resume_done", steps=num(len(losses))))
    else:
        print(msg("train.resume_from", step=num(len(losses) + 1), steps=num(steps)))
    return losses, losses._state["optimizer"], losses._state["generator"]


def generate(model, tokenizer, prompt: str, new_tokens: int = 40, seed: int = 0, temperature: float = 0.8) -> str:
    """Continue `prompt` by sampling `new_tokens` tokens (seeded, so before/after compare fairly)."""
    import torch

    from .models import encode_prompt

    if not isinstance(prompt, str):
        raise WerkstattError("gpt.prompt_not_text", value=shown(prompt)[:40])
    check_number("temperature", temperature, 0.05, 2.0)
    new_tokens = check_number("max_new_tokens", new_tokens, 1, MAX_NEW_TOKENS, whole=True)
    seed = check_number("seed", seed, 0, 2 ** 32 - 1, whole=True)
    ids = encode_prompt(tokenizer, prompt, 2048)
    torch.manual_seed(seed)
    try:
        with torch.no_grad():
            out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=new_tokens,
                                 do_sample=True, temperature=temperature, top_k=50,
                                 pad_token_id=tokenizer.eos_token_id)
    except RuntimeError as error:
        if any(word in str(error) for word in ("nan", "inf", "probability tensor")):
            raise WerkstattError("gpt.broken_model") from None
        raise
    return tokenizer.decode(out[0, ids.shape[1]:], skip_special_tokens=True)


def perplexity(loss: float) -> float:
    """Perplexity = e^loss: how many tokens the model is, on average, as unsure as choosing between."""
    check_number("loss", loss, 0, None)
    try:
        return math.exp(loss)
    except OverflowError:  # a loss above ~709 nats: more unsure than any number can say
        return math.inf
