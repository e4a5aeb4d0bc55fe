"""The model built cell by cell in chapter 4 and werkstatt.gpt.GPT compute the same thing from the same weights."""
from __future__ import annotations

import math

import pytest
import torch
import torch.nn as nn
from torch.nn import functional as F

from nbtools import ROOT, read
from werkstatt.gpt import GPT, GPTConfig

NOTEBOOKS = [ROOT / "notebooks" / language / "04-tiny-gpt.ipynb" for language in ("de", "en")]


def notebook_model_class(path):
    """Execute the notebook's cells tagged "model" and return the GPT class they define."""
    cells = [cell.source for cell in read(path).cells if cell.cell_type == "code" and "model" in cell.metadata.get("tags", [])]
    assert len(cells) >= 5, "the model is built in several tagged cells (attention, MLP, block, GPT, forward)"
    namespace = {"math": math, "torch": torch, "nn": nn, "F": F}
    for source in cells:
        exec(compile(source, str(path), "exec"), namespace)
    return namespace["GPT"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name)
@pytest.mark.parametrize("sizes", [dict(n_layer=1, n_head=1, n_embd=8, context=8),
                                   dict(n_layer=2, n_head=4, n_embd=32, context=16)])
def test_notebook_model_equals_package_model(path, sizes):
    config = GPTConfig(vocab_size=23, **sizes)
    torch.manual_seed(0)
    package = GPT(config).eval()
    with torch.no_grad():  # non-trivial norms and biases, so a missing one would show
        for name, parameter in package.named_parameters():
            if parameter.dim() == 1:
                parameter.add_(torch.randn_like(parameter) * 0.1)
    notebook = notebook_model_class(path)(config).eval()
    notebook.load_state_dict(package.state_dict())  # strict: the same names and shapes
    idx = torch.randint(0, config.vocab_size, (3, config.context))
    targets = torch.randint(0, config.vocab_size, (3, config.context))
    with torch.no_grad():
        expected_logits, expected_loss = package(idx, targets)
        logits, loss = notebook(idx, targets)
    assert logits.shape == (3, config.context, config.vocab_size)
    torch.testing.assert_close(logits, expected_logits, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(loss, expected_loss, rtol=1e-5, atol=1e-5)
    # and the comparison is not trivially true: other weights give other logits
    torch.manual_seed(1)
    other = GPT(config).eval()
    with torch.no_grad():
        assert not torch.allclose(other(idx)[0], logits, atol=1e-3)


def test_the_attention_is_causal():
    """Changing a later token must not change the logits at earlier positions."""
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=11, context=10, n_layer=2, n_head=2, n_embd=16)).eval()
    idx = torch.randint(0, 11, (1, 10))
    changed = idx.clone()
    changed[0, 7] = (idx[0, 7] + 1) % 11
    with torch.no_grad():
        a, b = model(idx)[0], model(changed)[0]
    torch.testing.assert_close(a[0, :7], b[0, :7])
    assert not torch.allclose(a[0, 7:], b[0, 7:])
