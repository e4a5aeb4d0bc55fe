#!/usr/bin/env bash
# Set the course up inside Google Colab (called by the first cell of every notebook, only in Colab).
# Colab brings its own PyTorch (with GPU support), so we install everything else.
set -euo pipefail
cd "$(dirname "$0")/.."
grep -vE '^(torch|jupyterlab|jupyter-book|playwright|reuse|nbval|pytest|pytest-xdist)==' requirements.txt > /tmp/requirements-colab.txt
pip install -q -r /tmp/requirements-colab.txt
pip install -q --no-deps -r requirements-nodeps.txt
pip install -q --no-deps .
echo "KI-Werkstatt ist eingerichtet / is set up."
