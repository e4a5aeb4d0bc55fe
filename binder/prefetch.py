"""Prefetch what the notebooks load, so a Binder session starts quickly and works offline.

Runs at image build time: loads the speeches once (checks the packaged corpus), then `python -m werkstatt prefetch`
converts the packaged SmolLM2 into the course's model cache (~/.cache/ki-werkstatt) and checks every packaged model
against its checksums: about a minute, once, at build time, instead of in every session.
"""
import sys

from werkstatt import data
from werkstatt.__main__ import main

for language in ("de", "en"):
    print(language, data.load_speeches(language).num_rows, "speeches")

sys.exit(main(["prefetch"]))
