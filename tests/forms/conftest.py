"""Make the repository root importable when pytest runs via the console script.

The editable install predates the packages, so ``app`` and ``forms`` are only importable from
the repository root; ``.venv/bin/pytest`` does not put it on ``sys.path`` by itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
