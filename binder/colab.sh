#!/usr/bin/env bash
# Set the course up inside Google Colab (called by the first cell of every notebook, only in Colab).
# Colab brings its own PyTorch (with GPU support) and its own IPython kernel; requirements/colab.txt is the
# part of the lock the notebooks need without those two, each package checked against its hash.
set -euo pipefail
cd "$(dirname "$0")/.."
pip install -q --no-deps --require-hashes -r requirements/colab.txt
pip install -q --no-deps .
echo "KI-Werkstatt ist eingerichtet / is set up."
