"""Loaded by every pytest run in this repository, the nbval runs of make test included."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "scripts"))

import nbval.kernel  # noqa: E402

from nbtools import retrying  # noqa: E402

# nbval looks the function up when it starts each notebook's kernel, so replacing it here is enough.
nbval.kernel.start_new_kernel = retrying(nbval.kernel.start_new_kernel)
