// KI-Werkstatt: the in-page explorers (chapters 1, 3, 4). The course's models run in the reader's browser.
//
// This file is only the surface: it turns the typed text into the model's ids, asks onnxruntime-web
// (vendored, _static/vendor/onnxruntime-web) to run the exported graphs (_static/explorers/<language>/,
// made by scripts/export_explorers.py from the course's PyTorch models) and draws what comes back.
// Every probability on screen is a number the graph computed; nothing here is a forward pass.
// The words come from the page (data-words, written by book/_ext/explorers.py from the .po files).
(function () {
  "use strict";

  const STATIC = new URL(".", document.currentScript.src);  // the book's _static/ folder
  const ORT_DIR = new URL("vendor/onnxruntime-web/", STATIC);
  const TOP = 10;        // bars shown
  const CONTINUE = 60;   // characters sampled per click
  // Okabe–Ito, safe for the common colour-vision deficiencies: blue for the GPT, orange for the bigram model.
  const COLOURS = { gpt: "#0072B2", bigram: "#E69F00" };
  const started = 0;  // performance.now() counts from the start of the page's loading

  let runtime = null;
  const sessions = {};
  const infos = {};

  function loadScript(url) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.onload = resolve;
      script.onerror = () => reject(new Error("onnxruntime-web"));
      document.head.appendChild(script);
    });
  }

  // onnxruntime-web's one WebAssembly file is 14 MB; the book ships it gzipped (3.7 MB) and unpacks it here,
  // while onnxruntime-web's script and the model are still loading.
  async function wasmBinary() {
    const response = await fetch(new URL("ort-wasm-simd-threaded.wasm.gz", ORT_DIR));
    if (!response.ok) throw new Error("ort-wasm-simd-threaded.wasm.gz: " + response.status);
    const stream = response.body.pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).arrayBuffer();
  }

  function ort() {
    if (!runtime) {
      runtime = (async () => {
        const [, binary] = await Promise.all([loadScript(new URL("ort.wasm.min.js", ORT_DIR)), wasmBinary()]);
        const env = window.ort.env.wasm;
        env.numThreads = 1;  // threads need cross-origin isolation, which a static book cannot promise
        env.proxy = false;
        env.wasmBinary = binary;
        env.wasmPaths = { mjs: new URL("ort-wasm-simd-threaded.mjs", ORT_DIR).href };
        performance.mark("werkstatt-explorer:runtime");  // the benchmark reads these marks
        return window.ort;
      })();
    }
    return runtime;
  }

  function models(language) {
    if (!infos[language]) {
      infos[language] = fetch(new URL(`explorers/${language}/explorers.json`, STATIC)).then((r) => {
        if (!r.ok) throw new Error("explorers.json: " + r.status);
        return r.json();
      });
    }
    return infos[language];
  }

  function session(language, name) {
    const key = language + "/" + name;
    if (!sessions[key]) {
      // The model's bytes come while onnxruntime-web itself is still loading, not after it.
      const bytes = fetch(new URL(`explorers/${language}/${name}-model.onnx`, STATIC)).then((r) => {
        if (!r.ok) throw new Error(`${name}-model.onnx: ${r.status}`);
        return r.arrayBuffer();
      });
      sessions[key] = Promise.all([ort(), bytes]).then(([o, buffer]) =>
        o.InferenceSession.create(new Uint8Array(buffer), { executionProviders: ["wasm"] })).then((created) => {
        performance.mark(`werkstatt-explorer:session-${name}`);
        return created;
      });
    }
    return sessions[key];
  }

  async function run(language, name, ids, temperature) {
    const o = await ort();
    const s = await session(language, name);
    const feeds = {
      ids: new o.Tensor("int64", BigInt64Array.from(ids, (i) => BigInt(i)), [1, ids.length]),
      temperature: new o.Tensor("float32", Float32Array.from([temperature]), []),
    };
    const out = await s.run(feeds);
    return { probs: out.probs.data, attention: out.attention };
  }

  // ---- small helpers ----------------------------------------------------------------------------------
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (all, name) => (name in values ? values[name] : all));
  }

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  function svg(tag, attributes) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    return node;
  }

  let counter = 0;
  function uid(prefix) {
    counter += 1;
    return `${prefix}-${counter}`;
  }

  // Characters as the reader can see them: a space or a line break is named, not left invisible.
  function shown(char, words) {
    if (char === " ") return "␣";
    if (char === "\n") return "↵";
    if (char === "\t") return "⇥";
    return char;
  }
  function spoken(char, words) {
    if (char === " ") return words.space;
    if (char === "\n") return words.newline;
    return char;
  }

  // Text -> ids of one vocabulary; characters it lacks are left out and named.
  function encode(text, chars) {
    const index = new Map(chars.map((c, i) => [c, i]));
    const ids = [], kept = [], unknown = new Set();
    for (const c of text) {
      if (index.has(c)) { ids.push(index.get(c)); kept.push(c); } else unknown.add(c);
    }
    return { ids, kept, unknown: [...unknown] };
  }

  function draw(probs) {
    let r = Math.random(), last = 0;
    for (let i = 0; i < probs.length; i++) {
      r -= probs[i];
      if (probs[i] > 0) last = i;
      if (r < 0) return i;
    }
    return last;  // rounding left a tiny rest: the last possible character
  }

  // ---- the widget -------------------------------------------------------------------------------------
  class Explorer {
    constructor(root) {
      this.root = root;
      this.kind = root.dataset.kind;
      this.language = root.dataset.language;
      this.words = JSON.parse(root.dataset.words);
      this.percent = new Intl.NumberFormat(this.language, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
      this.number = new Intl.NumberFormat(this.language, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
      this.generation = 0;
    }

    async start() {
      const w = this.words;
      this.root.replaceChildren();
      this.root.setAttribute("data-state", "loading");
      const title = el("p", { class: "werkstatt-explorer-title", text: w[this.kind + ".title"] });
      this.root.append(title);
      this.status = el("p", { class: "werkstatt-explorer-status", role: "status", "aria-live": "polite", text: w.loading });
      try {
        this.info = await models(this.language);
      } catch (error) {
        return this.fail(error);
      }
      this.build();
      this.root.append(this.status);
      this.update();
    }

    fail(error) {
      this.root.setAttribute("data-state", "failed");
      this.status.textContent = fill(this.words.failed, { reason: error && error.message ? error.message : String(error) });
      if (!this.status.isConnected) this.root.append(this.status);
    }

    build() {
      const w = this.words;
      const controls = el("div", { class: "werkstatt-explorer-controls" });
      const textId = uid("wx-text");
      const context = this.info.gpt.context;
      const label = this.kind === "attention" ? fill(w.sentence, { context }) : w.start;
      this.input = el("input", { id: textId, type: "text", autocomplete: "off", spellcheck: "false",
                                 maxlength: this.kind === "attention" ? String(context) : "200" });
      this.input.value = this.root.dataset.start || "";
      controls.append(el("div", { class: "wx-field" }, el("label", { for: textId, text: label }), this.input));
      this.input.addEventListener("input", () => this.update());

      if (this.kind === "attention") {
        const layerId = uid("wx-layer");
        this.layer = el("select", { id: layerId });
        for (let i = 0; i < this.info.gpt.layers; i++) this.layer.append(el("option", { value: String(i), text: String(i + 1) }));
        this.layer.addEventListener("change", () => this.update());
        controls.append(el("div", { class: "wx-field" }, el("label", { for: layerId, text: w.layer }), this.layer));
      } else {
        const tempId = uid("wx-temp");
        this.temperature = el("input", { id: tempId, type: "range", min: "0.1", max: "3", step: "0.1", value: "1" });
        this.temperatureShown = el("output", { for: tempId });
        this.temperature.addEventListener("input", () => this.update());
        controls.append(el("div", { class: "wx-field" },
          el("label", { for: tempId, text: w.temperature }), this.temperature, this.temperatureShown));
        this.button = el("button", { type: "button", class: "wx-sample", text: w.sample });
        this.button.addEventListener("click", () => this.sample());
        controls.append(this.button);
      }
      this.root.append(controls);
      this.note = el("p", { class: "wx-note" });
      this.result = el("div", { class: "wx-result" });
      this.root.append(this.note, this.result);
      if (this.kind !== "attention") {
        this.continuation = el("p", { class: "wx-continuation", "aria-live": "polite" });
        this.root.append(this.continuation);
      }
    }

    currentTemperature() {
      const t = Number(this.temperature.value);
      this.temperatureShown.textContent = this.number.format(t);
      return t;
    }

    // The text each model sees: its own vocabulary, the GPT only its last `context` characters.
    inputs(text) {
      const gpt = encode(text, this.info.gpt.chars);
      const bigram = encode(text, this.info.bigram.chars);
      const notes = [];
      const unknown = this.kind === "bigram" ? bigram.unknown : gpt.unknown;
      if (unknown.length) notes.push(fill(this.words.unknown, { chars: unknown.map((c) => shown(c, this.words)).join(" ") }));
      const context = this.info.gpt.context;
      if (this.kind !== "bigram" && gpt.ids.length > context) {
        notes.push(fill(this.words.too_long, { context }));
        gpt.ids = gpt.ids.slice(-context);
        gpt.kept = gpt.kept.slice(-context);
      }
      return { gpt, bigram, notes };
    }

    async update() {
      const generation = ++this.generation;  // a newer keystroke wins over an older, slower answer
      const text = this.input.value;
      const { gpt, bigram, notes } = this.inputs(text);
      const main = this.kind === "bigram" ? bigram : gpt;
      this.note.textContent = notes.join(" ");
      if (!main.ids.length) {
        this.result.replaceChildren();
        this.status.textContent = this.words.empty;
        return;
      }
      try {
        if (this.kind === "attention") {
          const out = await run(this.language, "gpt", gpt.ids, 1.0);
          if (generation !== this.generation) return;
          this.drawAttention(gpt.kept, out.attention);
        } else {
          const t = this.currentTemperature();
          const answers = {};
          if (this.kind === "gpt") {
            answers.gpt = this.probabilities((await run(this.language, "gpt", gpt.ids, t)).probs, this.info.gpt.chars);
          }
          if (bigram.ids.length) {
            answers.bigram = this.probabilities((await run(this.language, "bigram", bigram.ids, t)).probs, this.info.bigram.chars);
          }
          if (generation !== this.generation) return;
          this.drawBars(main.kept[main.kept.length - 1], answers);
        }
      } catch (error) {
        return this.fail(error);
      }
      this.status.textContent = "";
      // What the drawn numbers belong to (the browser tests wait for these).
      this.root.setAttribute("data-shown-text", text);
      this.root.setAttribute("data-shown-setting", this.kind === "attention" ? this.layer.value : this.temperature.value);
      if (this.root.getAttribute("data-state") !== "ready") {
        performance.mark("werkstatt-explorer:first-result");
        this.root.setAttribute("data-first-result-ms", String(Math.round(performance.now() - started)));
        this.root.setAttribute("data-state", "ready");
      }
    }

    probabilities(probs, chars) {
      return new Map(chars.map((c, i) => [c, probs[i]]));
    }

    drawBars(last, answers) {
      const w = this.words;
      const first = this.kind === "gpt" ? "gpt" : "bigram";
      const order = [...answers[first].entries()].sort((a, b) => b[1] - a[1]).slice(0, TOP);
      const caption = el("p", { class: "wx-caption", id: uid("wx-caption"),
                                text: fill(w.next_chars, { last: spoken(last, w) }) });
      const list = el("ol", { class: "wx-bars", "aria-labelledby": caption.id });
      for (const [char] of order) {
        const item = el("li", { class: "wx-row" });
        item.append(el("span", { class: "wx-char", "aria-label": spoken(char, w), text: shown(char, w) }));
        const bars = el("span", { class: "wx-pair" });
        for (const model of Object.keys(answers)) {
          const p = answers[model].get(char) || 0;
          const name = model === "gpt" ? w.model_gpt : w.model_bigram;
          const bar = el("span", { class: "wx-bar", "data-model": model, "data-char": char, "data-probability": String(p) });
          const track = el("span", { class: "wx-track", "aria-hidden": "true" });
          track.append(el("span", { class: "wx-fill", style: `width:${(100 * p).toFixed(2)}%;background:${COLOURS[model]}` }));
          bar.append(track, el("span", { class: "wx-value", text: (Object.keys(answers).length > 1 ? name + " " : "") + this.percent.format(p) }));
          bars.append(bar);
        }
        item.append(bars);
        list.append(item);
      }
      const parts = [caption];
      if (Object.keys(answers).length > 1) {
        const legend = el("p", { class: "wx-legend" });
        for (const model of Object.keys(answers)) {
          legend.append(el("span", { class: "wx-swatch", style: `background:${COLOURS[model]}`, "aria-hidden": "true" }),
                        el("span", { text: model === "gpt" ? w.model_gpt : w.model_bigram }));
        }
        parts.push(legend);
      }
      parts.push(list);
      this.result.replaceChildren(...parts);
    }

    drawAttention(chars, attention) {
      const w = this.words;
      const [, heads, n] = attention.dims;
      const layer = Number(this.layer.value);
      const data = attention.data;
      const grid = el("div", { class: "wx-heads" });
      const last = chars[n - 1];
      for (let h = 0; h < heads; h++) {
        const offset = (layer * heads + h) * n * n;
        let best = 0;
        for (let j = 1; j < n; j++) if (data[offset + (n - 1) * n + j] > data[offset + (n - 1) * n + best]) best = j;
        const summary = fill(w.head_summary, {
          layer: layer + 1, head: h + 1, last: spoken(last, w), target: spoken(chars[best], w),
          position: best + 1, share: this.percent.format(data[offset + (n - 1) * n + best]) });
        const picture = svg("svg", { viewBox: `0 0 ${n} ${n}`, role: "img", "aria-label": summary,
                                     class: "wx-map", preserveAspectRatio: "xMidYMid meet" });
        for (let i = 0; i < n; i++) {
          for (let j = 0; j <= i; j++) {
            const weight = data[offset + i * n + j];
            const cell = svg("rect", { x: j, y: i, width: 1, height: 1, fill: shade(weight),
                                       "data-head": h, "data-row": i, "data-column": j, "data-weight": String(weight) });
            const tip = svg("title");
            tip.textContent = `${spoken(chars[i], w)} → ${spoken(chars[j], w)}: ${this.percent.format(weight)}`;
            cell.append(tip);
            picture.append(cell);
          }
        }
        const figure = el("figure", { class: "wx-head" },
          el("figcaption", { class: "wx-head-title", text: fill(w.head, { number: h + 1 }) }), picture,
          el("p", { class: "wx-head-summary", text: summary }));
        grid.append(figure);
      }
      const axes = el("p", { class: "wx-axes", text: `${w.rows}. ${w.columns}. ` });
      axes.append(el("span", { class: "wx-sentence", text: chars.map((c) => shown(c, w)).join("") }));
      this.result.replaceChildren(axes, grid);
    }

    // A continuation drawn character by character, each from the model's answer to all text so far.
    async sample() {
      const model = this.kind === "gpt" ? "gpt" : "bigram";
      const chars = this.info[model].chars;
      const t = this.currentTemperature();
      let { ids } = encode(this.input.value, chars);
      if (!ids.length) return;
      this.button.disabled = true;
      let written = "";
      try {
        for (let step = 0; step < CONTINUE; step++) {
          const window = model === "gpt" ? ids.slice(-this.info.gpt.context) : ids.slice(-1);
          const { probs } = await run(this.language, model, window, t);
          const next = draw(probs);
          ids.push(next);
          written += chars[next];
        }
      } catch (error) {
        this.button.disabled = false;
        return this.fail(error);
      }
      this.button.disabled = false;
      this.continuation.replaceChildren(el("span", { class: "wx-caption", text: this.words.continuation + " " }),
        el("q", { text: this.input.value + written }));
    }
  }

  // White to Okabe–Ito blue: darker means the head looks there more.
  function shade(weight) {
    const mix = (a, b) => Math.round(a + (b - a) * Math.min(1, Math.max(0, weight)));
    return `rgb(${mix(255, 0)},${mix(255, 114)},${mix(255, 178)})`;
  }

  // Which graphs each explorer runs: they start loading as soon as the page has its explorers.
  const NEEDS = { bigram: ["bigram"], attention: ["gpt"], gpt: ["gpt", "bigram"] };

  function init() {
    for (const root of document.querySelectorAll(".werkstatt-explorer")) {
      models(root.dataset.language).catch(() => {});
      for (const name of NEEDS[root.dataset.kind] || []) session(root.dataset.language, name).catch(() => {});
    }
    for (const root of document.querySelectorAll(".werkstatt-explorer")) {
      const explorer = new Explorer(root);
      root.werkstattExplorer = explorer;
      explorer.start();
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
