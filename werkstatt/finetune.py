"""Fine-tuning with LoRA (`peft`): the bookkeeping around the training loop of chapter 6.

The notebook explains what LoRA trains and what stays frozen; this module holds the loop, the
held-out measurement and the checks on the learner's settings.
"""
from __future__ import annotations

import math
import time

from .errors import WerkstattError, check_range
from .i18n import msg, num


MAX_RANK = 64


def check_rank(rank: int) -> int:
    """The LoRA rank, or a clear message when it is not a whole number from 1 to 64."""
    if isinstance(rank, bool) or not isinstance(rank, int) or not 1 <= rank <= MAX_RANK:
        raise WerkstattError("finetune.rank", value=rank)
    return rank


def check_learning_rate(learning_rate: float) -> float:
    """The learning rate, or a clear message when it lies outside 1e-6 … 1e-2."""
    return float(check_range("learning_rate", learning_rate, 1e-6, 1e-2))


def add_lora(model, rank: int = 8, layers: int = 8, targets: tuple[str, ...] = ("q_proj", "v_proj"),
             alpha: int | None = None):
    """Wrap `model` with LoRA adapters on `targets` in its last `layers` transformer layers; all else is frozen."""
    from peft import LoraConfig, get_peft_model

    check_rank(rank)
    total = model.config.num_hidden_layers
    if isinstance(layers, bool) or not isinstance(layers, int) or not 1 <= layers <= total:
        raise WerkstattError("finetune.layers", value=layers, total=total)
    config = LoraConfig(r=rank, lora_alpha=alpha or 2 * rank, lora_dropout=0.0, target_modules=list(targets),
                        layers_to_transform=list(range(total - layers, total)), bias="none", task_type="CAUSAL_LM")
    import warnings

    with warnings.catch_warnings():  # a deprecation notice inside peft/transformers, not the learner's business
        warnings.simplefilter("ignore", FutureWarning)
        return get_peft_model(model, config)


def count_parameters(model) -> tuple[int, int]:
    """(trainable, total) parameter counts."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return trainable, sum(p.numel() for p in model.parameters())


def describe_trainable(model) -> str:
    """One sentence: how many parameters train and how many stay frozen."""
    trainable, total = count_parameters(model)
    return msg("finetune.trainable", trainable=num(trainable), total=num(total), share=num(100 * trainable / total, 2))


def token_blocks(tokenizer, texts: list[str], length: int, needed: int = 2):
    """Cut the joined `texts` into blocks of `length` tokens: a (n, length) tensor."""
    import torch

    ids = tokenizer("\n\n".join(texts), return_tensors="pt")["input_ids"][0]
    blocks = len(ids) // length
    if blocks < needed:
        raise WerkstattError("finetune.too_little_text", blocks=blocks, length=length, needed=needed)
    return ids[: blocks * length].view(blocks, length).to(torch.long)


def heldout_loss(model, blocks, batch_size: int = 4) -> float:
    """Average next-token cross-entropy (nats per token) on `blocks`, without training."""
    import torch

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


def train(model, blocks, steps: int, learning_rate: float = 1e-3, batch_size: int = 2,
          time_budget: float | None = None, seed: int = 0) -> list[float]:
    """Train the trainable (LoRA) parameters for `steps` steps on random batches of `blocks`; returns the losses."""
    import torch
    from tqdm.auto import tqdm

    check_learning_rate(learning_rate)
    generator = torch.Generator().manual_seed(seed)
    optimiser = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=learning_rate)
    model.train()
    losses: list[float] = []
    started = time.perf_counter()
    for step in tqdm(range(steps), desc=msg("finetune.progress")):
        rows = torch.randint(len(blocks), (batch_size,), generator=generator)
        batch = blocks[rows]
        loss = model(input_ids=batch, labels=batch).loss
        loss.backward()
        optimiser.step()
        optimiser.zero_grad(set_to_none=True)
        losses.append(loss.item())
        if time_budget is not None and time.perf_counter() - started > time_budget:
            print(msg("finetune.budget", seconds=time_budget, steps=step + 1))
            break
    model.eval()
    return losses


def generate(model, tokenizer, prompt: str, new_tokens: int = 40, seed: int = 0, temperature: float = 0.8) -> str:
    """Continue `prompt` by sampling `new_tokens` tokens (seeded, so before/after compare fairly)."""
    import torch

    from .models import encode_prompt

    check_range("temperature", temperature, 0.05, 2.0)
    ids = encode_prompt(tokenizer, prompt, 2048)
    torch.manual_seed(seed)
    with torch.no_grad():
        out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=new_tokens,
                             do_sample=True, temperature=temperature, top_k=50,
                             pad_token_id=tokenizer.eos_token_id)
    return tokenizer.decode(out[0, ids.shape[1]:], skip_special_tokens=True)


def perplexity(loss: float) -> float:
    """Perplexity = e^loss: how many tokens the model is, on average, as unsure as choosing between."""
    return math.exp(loss)
