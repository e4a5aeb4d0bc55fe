"""The in-page explorers of chapters 1, 3 and 4 in Chromium: the numbers on the page are PyTorch's.

For each edition and explorer, five prompts are typed into the page (with every request that leaves
127.0.0.1 blocked), and what the page shows (the bars' and heat-map cells' data-probability /
data-weight, the numbers the bars are drawn from) is compared with the course's PyTorch models:
werkstatt.gpt's reference GPT (load_reference), transformers' GPT-2 loading the same release for the
attention weights, werkstatt.bigram for the bigram model. Then axe-core looks at the working explorer
at desktop and phone width, and a phone must not scroll sideways. Screenshots: <site>/reports/explorers/.
"""
from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest
import torch

from browsing import AXE_JS, DESKTOP, ROOT, SCROLLABLES_READY, Server
from phone import PHONE

TOLERANCE = 1e-4
BLOCKING = ("serious", "critical")
PAGES = {"bigram": "book/{l}/01-language-model.html", "attention": "book/{l}/03-attention.html",
         "gpt": "book/{l}/04-tiny-gpt.html"}
# Five prompts per edition, each with a temperature (bigram and GPT) or read at both layers (attention).
PROMPTS = {
    "de": [("Die Bundesregierung", 1.0), ("Meine Damen und Herren", 0.5), ("Wir haben", 1.7),
           ("Sehr geehrte", 0.3), ("Das ist ein Gesetz für die Zukunft unseres Landes und für alle", 2.5)],
    "en": [("The Government", 1.0), ("Mr Speaker, I", 0.5), ("We have", 1.7),
           ("My right hon. Friend", 0.3), ("This is a Bill for the future of our country and for everyone", 2.5)],
}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
READY = """([text, setting]) => { const root = document.querySelector('.werkstatt-explorer');
  return root && (root.dataset.state === 'failed' ||
    (root.dataset.state === 'ready' && root.dataset.shownText === text && root.dataset.shownSetting === setting)); }"""
SHOWN_BARS = """() => Array.from(document.querySelectorAll('.werkstatt-explorer .wx-bar'),
  b => [b.dataset.model, b.dataset.char, Number(b.dataset.probability)])"""
SHOWN_CELLS = """() => Array.from(document.querySelectorAll('.werkstatt-explorer rect[data-weight]'),
  c => [Number(c.dataset.head), Number(c.dataset.row), Number(c.dataset.column), Number(c.dataset.weight)])"""
AXE = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))"""
SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _exporter():
    spec = importlib.util.spec_from_file_location("export_explorers", ROOT / "scripts" / "export_explorers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Expected:
    """What PyTorch computes for one edition."""

    def __init__(self, language: str):
        from transformers import GPT2LMHeadModel

        from werkstatt.bigram import apply_temperature
        from werkstatt.release import load_reference, reference_folder

        self.model, self.tokenizer, _ = load_reference(language)
        self.model.eval()
        self.gpt2 = GPT2LMHeadModel.from_pretrained(reference_folder(language), attn_implementation="eager").eval()
        self.bigram = _exporter().bigram_for(language)
        self.apply_temperature = apply_temperature

    def gpt(self, text: str, temperature: float) -> dict[str, float]:
        ids = torch.tensor([self.tokenizer.encode(text)[-self.model.config.context:]])
        with torch.no_grad():
            logits, _ = self.model(ids)
        probs = torch.softmax(logits[0, -1].double() / temperature, dim=-1)
        return dict(zip(self.tokenizer.chars, probs.tolist()))

    def next_after(self, text: str, temperature: float) -> dict[str, float]:
        probs = self.apply_temperature(self.bigram.next_probs(text[-1]), temperature)
        return dict(zip(self.bigram.vocab, probs.tolist()))

    def attention(self, text: str) -> np.ndarray:
        ids = torch.tensor([self.tokenizer.encode(text)])
        with torch.no_grad():
            return torch.stack(self.gpt2(ids, output_attentions=True).attentions)[:, 0].numpy()


@pytest.fixture(scope="module")
def explorer_runs(site, chromium):
    """Every explorer page of both editions, driven through the prompts; what the page showed, per prompt."""
    from playwright.sync_api import sync_playwright

    runs = {"values": [], "outside": [], "failed": [], "violations": [], "sideways": [], "errors": []}
    shots = site / "reports" / "explorers"
    shots.mkdir(parents=True, exist_ok=True)
    with Server(site) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(service_workers="block", viewport=DESKTOP)
        context.add_init_script(path=str(AXE_JS))

        def route(route):
            url = route.request.url
            if url.startswith(server.origin + "/") or url.startswith(("data:", "blob:")):
                return route.continue_()
            runs["outside"].append(url)
            return route.abort("blockedbyclient")

        context.route("**/*", route)
        page = context.new_page()
        page.on("pageerror", lambda error: runs["errors"].append(str(error)))
        for language in ("de", "en"):
            for kind, path in PAGES.items():
                name = f"{language}/{path.format(l=language)}"
                page.set_viewport_size(DESKTOP)
                page.goto(f"{server.origin}/{name}", wait_until="load")
                root = page.locator(".werkstatt-explorer")
                if root.count() != 1:
                    runs["failed"].append(f"{name}: {root.count()} explorers on the page, expected 1")
                    continue
                for number, (text, temperature) in enumerate(PROMPTS[language]):
                    page.fill(".werkstatt-explorer input[type=text]", text)
                    settings = ["0", "1"] if kind == "attention" else [str(temperature)]
                    for setting in settings:
                        if kind == "attention":
                            page.eval_on_selector(".werkstatt-explorer select",
                                                  "(e, v) => { e.value = v; e.dispatchEvent(new Event('change')); }",
                                                  setting)
                        else:
                            # The slider reads its value back in its own spelling ("1.0" -> "1").
                            setting = page.eval_on_selector(
                                ".werkstatt-explorer input[type=range]",
                                "(e, v) => { e.value = v; e.dispatchEvent(new Event('input')); return e.value; }",
                                setting)
                        try:
                            page.wait_for_function(READY, arg=[text, setting], timeout=30000)
                        except Exception:
                            state = root.evaluate("e => JSON.stringify(e.dataset).slice(0, 300)")
                            runs["failed"].append(f"{name}: no result for {text!r} at {setting} within 30 s: {state}")
                            break
                        if root.get_attribute("data-state") == "failed":
                            runs["failed"].append(f"{name}: {root.inner_text()}")
                            break
                        shown = page.evaluate(SHOWN_CELLS if kind == "attention" else SHOWN_BARS)
                        runs["values"].append((language, kind, text, float(setting), shown))
                    if number == 0:
                        page.screenshot(path=str(shots / f"{language}-{kind}-desktop.png"), full_page=False)
                if kind != "attention":
                    page.click(".werkstatt-explorer .wx-sample")
                    page.wait_for_selector(".werkstatt-explorer .wx-continuation q", timeout=30000)
                root.scroll_into_view_if_needed()
                runs["violations"] += [(name, "desktop", v) for v in page.evaluate(AXE)]
                # A phone opens the page at its own width (the theme sets up its boxes at load).
                page.set_viewport_size(PHONE)
                page.reload(wait_until="load")
                page.wait_for_selector(".werkstatt-explorer[data-state=ready]", timeout=30000)
                root.scroll_into_view_if_needed()
                # The theme makes boxes that now overflow keyboard-scrollable 300 ms after the page changed.
                try:
                    page.wait_for_function(SCROLLABLES_READY, timeout=3000)
                except Exception:
                    pass  # axe-core then names the box
                runs["sideways"].append((name, page.evaluate(SIDEWAYS)))
                runs["violations"] += [(name, "phone", v) for v in page.evaluate(AXE)]
                root.screenshot(path=str(shots / f"{language}-{kind}-phone.png"))
        context.close()
        browser.close()
    return runs


def test_every_explorer_starts_offline(explorer_runs):
    assert not explorer_runs["failed"], "\n".join(explorer_runs["failed"])
    assert not explorer_runs["errors"], "\n".join(explorer_runs["errors"])
    assert not explorer_runs["outside"], "requests that left 127.0.0.1:\n" + "\n".join(explorer_runs["outside"])
    kinds = {(language, kind) for language, kind, *_ in explorer_runs["values"]}
    assert kinds == {(language, kind) for language in PROMPTS for kind in PAGES}


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_page_shows_pytorchs_probabilities(explorer_runs, language):
    expected = Expected(language)
    worst, compared, problems = 0.0, 0, []
    for edition, kind, text, setting, shown in explorer_runs["values"]:
        if edition != language:
            continue
        assert shown, f"{kind} '{text}': the page shows no numbers"
        if kind == "attention":
            weights = expected.attention(text)[int(setting)]
            for head, row, column, weight in shown:
                worst = max(worst, abs(weight - weights[head, row, column]))
            n = weights.shape[-1]
            assert len(shown) == weights.shape[0] * n * (n + 1) // 2, f"'{text}': not every cell is drawn"
        else:
            models = {"gpt": expected.gpt(text, setting), "bigram": expected.next_after(text, setting)}
            top = sorted(models[kind].items(), key=lambda item: -item[1])[:10]
            shown_main = [char for model, char, _ in shown if model == kind]
            # The bars are the ten most likely characters, most likely first (ties may swap).
            assert [p for _, p in top] == pytest.approx([models[kind][c] for c in shown_main], abs=TOLERANCE)
            for model, char, probability in shown:
                worst = max(worst, abs(probability - models[model][char]))
        compared += 1
    print(f"{language}: {compared} explorer states compared, largest difference browser - PyTorch {worst:.2e}")
    assert compared >= 3 * 5
    assert worst < TOLERANCE


def test_explorers_pass_axe_at_desktop_and_phone_width(explorer_runs):
    problems = [f"{name} ({size}): {v['id']} ({v['impact']}): {v['help']} at {'; '.join(v['nodes'])}"
                for name, size, v in explorer_runs["violations"] if v["impact"] in BLOCKING]
    assert not problems, "\n".join(problems)


def test_explorers_fit_a_phone(explorer_runs):
    problems = [f"{name}: scrolls {pixels} px sideways" for name, pixels in explorer_runs["sideways"] if pixels > 0]
    assert not problems, "\n".join(problems)
