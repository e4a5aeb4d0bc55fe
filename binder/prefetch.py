"""Prefetch what the notebooks load, so a Binder session starts quickly and works offline.

Runs at image build time: loads the speeches once (checks the packaged corpus) and converts the
packaged SmolLM2 model into the course's cache (24 s once instead of in every session).
"""
from werkstatt import data

for language in ("de", "en"):
    print(language, data.load_speeches(language).num_rows, "speeches")

try:
    from werkstatt import models
except ImportError:  # chapters 5-7 not installed in this version of the course
    models = None
if models is not None and hasattr(models, "prefetch"):
    models.prefetch()
