"""The training loop's bookkeeping: batches, learning-rate schedule, progress bar, live loss curve, time budget.

Chapter 4 explains every idea in here; this module keeps the notebook's cells short. From code it is
a few lines (chapter 8 uses it that way):

    from werkstatt.gpt import GPTConfig
    from werkstatt.train import TrainConfig, train_on_text
    model, tokenizer, history = train_on_text(text, GPTConfig(n_layer=2), TrainConfig(steps=500), plot=False)

Pressing stop (KeyboardInterrupt) ends training early: the model trained so far stays usable and the
loss curve stays drawn. When a time budget or the stop button ended a run, `train(..., resume=history)` carries
on from the step where it stopped, with the same optimizer state and the same stream of batches:

    history = train(model, train_data, val_data, train_config)                  # stopped at step 136 of 1,500
    history = train(model, train_data, val_data, train_config, resume=history)  # steps 137, 138, …
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field

import torch

from .errors import WerkstattError, check_choice, check_number, shown
from .gpt import GPT, CharTokenizer, GPTConfig, check_fits
from .i18n import msg, num

SCHEDULES = ("cosine", "linear", "constant")


@dataclass
class TrainConfig:
    """How to train: how long, how fast, how much at once."""

    steps: int = 1000            # how many updates at most
    batch_size: int = 32         # how many text snippets per step
    lr: float = 3e-3             # the largest learning rate (after warm-up)
    min_lr: float = 3e-4         # where the learning rate ends
    warmup: int = 50             # steps in which the learning rate rises from ~0 to lr
    schedule: str = "cosine"     # "cosine", "linear" or "constant" after warm-up
    weight_decay: float = 0.1    # pulls weight matrices gently towards zero (not biases or norms)
    beta2: float = 0.99          # AdamW's memory for squared gradients; 0.99 suits small batches
    grad_clip: float = 1.0       # caps the size of one update, so a bad batch cannot wreck the model
    eval_every: int = 100        # how often to measure the validation loss (and redraw the curve)
    eval_batches: int = 20       # how many validation batches one measurement averages over
    eval_batch_size: int = 32    # windows per validation batch (fixed, so runs with other batch sizes compare)
    time_budget: float | None = None  # seconds; training stops (and the schedule ends) when they run out
    seed: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class History:
    """What happened during training: the loss curve and how long it took."""

    steps: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    val_steps: list[int] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_seconds: list[float] = field(default_factory=list)  # training time (without evaluation) at each point
    seconds: float = 0.0          # training time without evaluation and drawing
    wall_seconds: float = 0.0     # everything, including evaluation and drawing
    tokens: int = 0
    interrupted: bool = False
    stopped_by_budget: bool = False
    diverged: bool = False        # the loss became NaN or infinite; the model kept its last good weights
    runs: int = 0                 # how many calls of train() wrote into this history (more than 1 after resume)

    # What a resumed run needs besides the curve (the model, its optimizer, the batch generator): kept as a plain
    # attribute, not a field, so to_dict() and the release's metadata stay plain numbers.
    _state = None

    @property
    def last_step(self) -> int:
        return self.steps[-1] if self.steps else 0

    @property
    def can_resume(self) -> bool:
        """True when train(..., resume=self) can carry on (this history came from train() in this session)."""
        return self._state is not None

    @property
    def final_val_loss(self) -> float:
        return self.val_loss[-1] if self.val_loss else math.nan

    def to_dict(self) -> dict:
        data = asdict(self)
        data["final_val_loss"] = self.final_val_loss
        return data


def check_config(config: TrainConfig) -> TrainConfig:
    """Every training setting checked before work starts; returns a copy with whole numbers as int.

    Each wrong value gets one sentence with the allowed range, and an unknown schedule name is refused
    instead of silently becoming cosine.
    """
    from dataclasses import replace

    if not isinstance(config, TrainConfig):
        raise WerkstattError("train.not_a_config", value=type(config).__name__)
    return replace(
        config,
        steps=check_number("steps", config.steps, 1, 1_000_000, whole=True),
        batch_size=check_number("batch_size", config.batch_size, 1, 4096, whole=True),
        lr=check_number("lr", config.lr, 0, 1, low_open=True),
        min_lr=check_number("min_lr", config.min_lr, 0, 1),
        warmup=check_number("warmup", config.warmup, 0, 1_000_000, whole=True),
        schedule=check_choice("schedule", config.schedule, SCHEDULES),
        weight_decay=check_number("weight_decay", config.weight_decay, 0, 1),
        beta2=check_number("beta2", config.beta2, 0, 0.9999),
        grad_clip=check_number("grad_clip", config.grad_clip, 0, 1000, optional=True),
        eval_every=check_number("eval_every", config.eval_every, 1, 1_000_000, whole=True),
        eval_batches=check_number("eval_batches", config.eval_batches, 1, 10_000, whole=True),
        eval_batch_size=check_number("eval_batch_size", config.eval_batch_size, 1, 4096, whole=True),
        time_budget=check_number("time_budget", config.time_budget, 0, None, low_open=True, optional=True),
        seed=check_number("seed", config.seed, 0, 2 ** 32 - 1, whole=True),
    )


def as_tensor(ids) -> torch.Tensor:
    """Token ids as one long tensor (int64), ready for batching."""
    return ids if isinstance(ids, torch.Tensor) else torch.tensor(ids, dtype=torch.long)


def check_data(data: torch.Tensor, context: int, part: str = "train") -> None:
    """Raise WerkstattError when the data cannot fill even one window of `context` tokens plus its target."""
    minimum = context + 2
    if len(data) < minimum:
        raise WerkstattError("train.too_short", part=msg(f"train.part_{part}"), chars=num(len(data)),
                             context=num(context), minimum=num(minimum))


def get_batch(data: torch.Tensor, batch_size: int, context: int, generator: torch.Generator | None = None):
    """`batch_size` random windows of the text (x) and the same windows shifted by one (y, the next tokens)."""
    starts = torch.randint(len(data) - context - 1, (batch_size,), generator=generator)
    offsets = starts[:, None] + torch.arange(context)  # one row of positions per window: no Python loop
    return data[offsets], data[offsets + 1]


@torch.no_grad()
def estimate_loss(model: GPT, data: torch.Tensor, batches: int = 20, batch_size: int = 32, seed: int = 1234) -> float:
    """The average loss on `batches` fixed random windows of `data` (the same windows every time, so values compare)."""
    was_training = model.training
    model.eval()
    generator = torch.Generator().manual_seed(seed)
    device = next(model.parameters()).device
    losses = []
    for _ in range(batches):
        x, y = get_batch(data, batch_size, model.config.context, generator)
        losses.append(model(x.to(device), y.to(device))[1].item())
    model.train(was_training)
    return sum(losses) / len(losses)


def learning_rate(progress: float, step: int, config: TrainConfig) -> float:
    """Warm up for `warmup` steps, then fall from lr to min_lr as `progress` (0 → 1) runs out."""
    if step < config.warmup:
        return config.lr * (step + 1) / config.warmup
    progress = min(max(progress, 0.0), 1.0)
    if config.schedule == "constant":
        return config.lr
    if config.schedule == "linear":
        return config.lr + (config.min_lr - config.lr) * progress
    if config.schedule != "cosine":  # an unknown name is a message, never silently cosine
        check_choice("schedule", config.schedule, SCHEDULES)
    return config.min_lr + 0.5 * (config.lr - config.min_lr) * (1 + math.cos(math.pi * progress))


def make_optimizer(model: GPT, config: TrainConfig) -> torch.optim.Optimizer:
    """AdamW; weight decay only on matrices (shrinking biases and norms helps nothing)."""
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    groups = [{"params": decay, "weight_decay": config.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    try:  # the fused version does the whole update in one pass over memory (CPU and GPU)
        return torch.optim.AdamW(groups, lr=config.lr, betas=(0.9, config.beta2), fused=True)
    except (RuntimeError, TypeError):  # pragma: no cover - older PyTorch
        return torch.optim.AdamW(groups, lr=config.lr, betas=(0.9, config.beta2))


class LivePlot:
    """A loss curve that redraws itself in place in a notebook (and does nothing outside one)."""

    def __init__(self, enabled: bool = True, baseline: float | None = None, baseline_label: str = "") -> None:
        self.handle = None
        self.baseline, self.baseline_label = baseline, baseline_label
        if enabled:
            try:
                from IPython import get_ipython
                from IPython.display import HTML, display

                if get_ipython() is not None:
                    self.handle = display(HTML(""), display_id=True)
            except ImportError:  # pragma: no cover
                self.handle = None

    def figure(self, history: History):
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots()
        if history.steps:
            ax.plot(history.steps, smooth(history.train_loss), label=msg("train.plot_train"), alpha=0.9)
        if history.val_steps:
            ax.plot(history.val_steps, history.val_loss, "o-", label=msg("train.plot_val"))
        if self.baseline is not None:
            ax.axhline(self.baseline, linestyle="--", color="#000000", label=self.baseline_label)
        ax.set(title=msg("train.plot_title"), xlabel=msg("train.plot_x"), ylabel=msg("train.plot_y"))
        ax.legend()
        return fig

    def alt(self, history: History) -> str:
        train = smooth(history.train_loss) or [math.nan]
        return msg("train.plot_alt", first=num(train[0], 2), last=num(train[-1], 2),
                   step=num(history.steps[-1] if history.steps else 0), val=num(history.final_val_loss, 2))

    def update(self, history: History) -> None:
        if self.handle is None:
            return
        import matplotlib.pyplot as plt
        from IPython.display import HTML

        from .plots import figure_html

        fig = self.figure(history)
        self.handle.update(HTML(figure_html(fig, self.alt(history))))
        plt.close(fig)


def smooth(values: list[float], weight: float = 0.9) -> list[float]:
    """An exponential moving average, so the noisy per-step loss reads as a curve."""
    out, running = [], None
    for value in values:
        running = value if running is None else weight * running + (1 - weight) * value
        out.append(running)
    return out


def train(model: GPT, train_data, val_data, config: TrainConfig | None = None, *, plot: bool = True,
          progress: bool = True, baseline: float | None = None, baseline_label: str = "",
          on_eval=None, quiet: bool = False, clock=time.perf_counter, resume: History | None = None) -> History:
    """Train `model` on token ids; returns the History. Stop (KeyboardInterrupt) keeps the model and the curve.

    `on_eval(history)` is called after each validation measurement; returning True stops training.
    `clock` measures training time (benchmarks on a shared machine pass time.process_time).
    `resume=history` continues a run that a time budget or the stop button ended: from the next step up to
    `config.steps`, with the same optimizer state and batch stream, and with a fresh time budget for this call.
    The learning rate goes on from where the step count stands (it had fallen early to fit the budget).
    """
    config = check_config(config or TrainConfig())
    train_data, val_data = as_tensor(train_data), as_tensor(val_data)
    context = model.config.context
    check_data(train_data, context, "train")
    check_data(val_data, context, "val")
    device = next(model.parameters()).device
    if device.type == "cpu":
        check_fits(model.config, config.batch_size, device="cpu")
    else:
        # On a GPU, let matrix products use TensorFloat-32 (fewer digits inside each product): an H100 step took half as long.
        torch.set_float32_matmul_precision("high")
    if resume is not None:
        history, optimizer, generator = _resume(resume, model, config, quiet)
        if history.last_step >= config.steps:
            return history
    else:
        torch.manual_seed(config.seed)
        generator = torch.Generator().manual_seed(config.seed)
        optimizer = make_optimizer(model, config)
        history = History()
    history._state = {"model": model, "optimizer": optimizer, "generator": generator}
    history.runs += 1
    history.interrupted = history.stopped_by_budget = history.diverged = False
    live = LivePlot(plot, baseline, baseline_label)
    first = history.last_step  # 0, or the step a resumed run stopped at
    bar = _progress_bar(config.steps, progress, first)
    model.train()
    start = time.perf_counter()
    seconds_before = history.seconds  # the budget counts this call's time only
    step = first
    good = _Snapshot(model)
    try:
        for step in range(first + 1, config.steps + 1):
            tick = clock()
            run_seconds = history.seconds - seconds_before
            # With a budget, the schedule also ends when the time runs out (so the model settles before it
            # stops); a resumed run squeezes only the steps still to go into its budget.
            start_progress = first / config.steps
            budget_used = run_seconds / config.time_budget if config.time_budget else 0.0
            lr = learning_rate(max((step - 1) / config.steps, start_progress + (1 - start_progress) * budget_used),
                               step - 1, config)
            for group in optimizer.param_groups:
                group["lr"] = lr
            x, y = get_batch(train_data, config.batch_size, context, generator)
            _, loss = model(x.to(device), y.to(device))
            value = loss.item()  # also waits for the GPU, so the clock below is honest
            if not math.isfinite(value):  # diverged: these weights are already broken, go back one step
                _diverged(model, good, history, step, config, quiet)
                break
            good.take(step - 1)  # the weights that just gave a finite loss
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if config.grad_clip:
                norm = torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
                if not torch.isfinite(norm):  # the step would turn every weight into NaN: do not take it
                    _diverged(model, good, history, step, config, quiet)
                    break
            optimizer.step()
            history.seconds += clock() - tick
            history.steps.append(step)
            history.train_loss.append(value)
            history.tokens += config.batch_size * context
            if bar is not None:
                bar.update(1)
                if step % 10 == 0:
                    bar.set_postfix(loss=f"{value:.3f}", refresh=False)
            out_of_time = config.time_budget is not None and history.seconds - seconds_before >= config.time_budget
            if step % config.eval_every == 0 or step == config.steps or out_of_time:
                stop = _evaluate(model, val_data, config, history, step, live, on_eval)
                if out_of_time and step < config.steps:
                    history.stopped_by_budget = True
                    if not quiet:
                        print(budget_message(history, config))
                    break
                if stop:
                    break
    except KeyboardInterrupt:
        history.interrupted = True
        model.eval()
        if not history.val_steps or history.val_steps[-1] != step:
            try:
                _evaluate(model, val_data, config, history, step, live, None)
            except KeyboardInterrupt:
                pass
        live.update(history)
        print(msg("train.interrupted", step=num(step)))
    finally:
        if bar is not None:
            bar.close()
        history.wall_seconds += time.perf_counter() - start  # all calls together, like `seconds`
        model.eval()
    if not history.interrupted and not history.diverged and not history.stopped_by_budget and not quiet:  # each said why
        print(msg("train.done", step=num(step), seconds=num(history.seconds, 1), val_loss=num(history.final_val_loss, 3)))
    return history


def budget_message(history: History, config: TrainConfig) -> str:
    """Why a time budget ended the run, truthfully: the quick profile is the shortened version on purpose; in any
    other profile this machine is slower (or busier) than the profile plans for, and the learner can carry on."""
    from .profiles import current_profile

    key = "train.budget_quick" if current_profile() == "quick" else "train.budget_slow"
    return msg(key, seconds=num(config.time_budget), step=num(history.last_step), steps=num(config.steps))


def _resume(history, model: GPT, config: TrainConfig, quiet: bool):
    """The history, optimizer and batch generator of the run that `history` continues (or a message why not)."""
    if not isinstance(history, History):
        raise WerkstattError("train.resume_not_history", value=type(history).__name__)
    state = history._state
    if state is None:
        raise WerkstattError("train.resume_no_state")
    if state["model"] is not model:
        raise WerkstattError("train.resume_other_model")
    if history.last_step >= config.steps and not quiet:
        print(msg("train.resume_done", step=num(history.last_step), steps=num(config.steps),
                  val_loss=num(history.final_val_loss, 3)))
    elif not quiet:
        print(msg("train.resume_from", step=num(history.last_step + 1), steps=num(config.steps)))
    return history, state["optimizer"], state["generator"]


class _Snapshot:
    """A copy of the weights that last gave a finite loss, so a run that diverges can go back to them."""

    def __init__(self, model) -> None:
        self.model, self.step = model, 0
        self.state = {name: tensor.detach().clone() for name, tensor in model.state_dict().items()}

    def take(self, step: int) -> None:
        # Copying a few hundred thousand numbers costs far less than one training step.
        with torch.no_grad():
            for name, tensor in self.model.state_dict().items():
                self.state[name].copy_(tensor)
        self.step = step

    def restore(self) -> None:
        self.model.load_state_dict(self.state)


def _diverged(model, good: _Snapshot, history: History, step: int, config: TrainConfig, quiet: bool) -> None:
    good.restore()
    model.eval()
    history.diverged = True
    print(msg("train.diverged", step=num(step), good_step=num(good.step), lr=shown(config.lr)))


def _evaluate(model, val_data, config, history, step, live, on_eval) -> bool:
    history.val_loss.append(estimate_loss(model, val_data, config.eval_batches, config.eval_batch_size, config.seed + 1))
    history.val_steps.append(step)
    history.val_seconds.append(history.seconds)
    model.train()
    live.update(history)
    return bool(on_eval(history)) if on_eval is not None else False


def _progress_bar(total: int, enabled: bool, done: int = 0):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=done, desc=msg("train.progress"), mininterval=0.5)


def train_on_text(text: str, model_config: GPTConfig | None = None, config: TrainConfig | None = None,
                  train_fraction: float = 0.9, *, val_text: str | None = None, **options):
    """Tokenise `text` by characters, build a GPT and train it: returns (model, tokenizer, history).

    Without `val_text` the text is split here (the first `train_fraction` for training, the rest to measure on).
    Whoever keeps test text of their own passes it as `val_text`: then all of `text` trains, `val_text` is only
    measured on, and nothing is split a second time (two splits that merely agree on a fraction leak test text
    into training as soon as one of the numbers changes).
    """
    from dataclasses import replace

    from .data import split_text

    if not isinstance(text, str) or not text:
        raise WerkstattError("train.no_text", value=shown(text)[:40])
    if val_text is None:
        check_number("train_fraction", train_fraction, 0, 1, low_open=True)
        train_text, val_text = split_text(text, train_fraction)
    elif not isinstance(val_text, str) or not val_text:
        raise WerkstattError("train.no_text", value=shown(val_text)[:40])
    else:
        train_text = text
    tokenizer = CharTokenizer.from_text(train_text + val_text)  # the alphabet only: no text is learned from val_text
    model_config = replace(model_config or GPTConfig(), vocab_size=tokenizer.vocab_size)
    config = check_config(config or TrainConfig())
    check_fits(model_config, config.batch_size, device="cpu")  # before the model is built, not in the allocator
    torch.manual_seed(config.seed)
    model = GPT(model_config)
    history = train(model, tokenizer.encode(train_text), tokenizer.encode(val_text), config, **options)
    return model, tokenizer, history


# The course's sizes per profile: (model, training). Chapter 4 explains each choice; benchmarks/tiny_gpt.py
# measures `standard` against nanoGPT's CPU preset. `gpu` stops at 1,000 steps because, without dropout, the
# 10.8-million-parameter model starts to learn the 1 MB of speeches by heart soon after (measured on an H100:
# in a 2,500-step run the validation loss is lowest at step 750 (English) or 1,250 (German), then rises).
PRESETS: dict[str, tuple[GPTConfig, TrainConfig]] = {
    "quick": (GPTConfig(context=32, n_layer=1, n_head=2, n_embd=32),
              TrainConfig(steps=60, batch_size=16, lr=3e-3, min_lr=3e-4, warmup=10, eval_every=20, eval_batches=4)),
    "standard": (GPTConfig(context=64, n_layer=2, n_head=4, n_embd=96),
                 TrainConfig(steps=1500, batch_size=16, lr=5e-3, min_lr=5e-4, warmup=30, eval_every=100,
                             eval_batches=20, time_budget=150)),
    "gpu": (GPTConfig(context=256, n_layer=6, n_head=6, n_embd=384),
            TrainConfig(steps=1000, batch_size=64, lr=1e-3, min_lr=1e-4, warmup=100, beta2=0.99, eval_every=100,
                        eval_batches=20, time_budget=300)),
}


def preset(profile: str | None = None, vocab_size: int | None = None) -> tuple[GPTConfig, TrainConfig]:
    """The model and training sizes for `profile` (default: the current one), as fresh copies."""
    from dataclasses import replace

    from .profiles import current_profile

    model_config, train_config = PRESETS[profile or current_profile()]
    model_config = replace(model_config, vocab_size=vocab_size or model_config.vocab_size)
    return model_config, replace(train_config)
