"""Run Rasa's NLU cross-validation with reproducible folds.

Rasa 3.6 shuffles the folds with numpy's global random state and no seed, so the same data gives a
different macro-F1 on every run (a few tenths of a point). Seeding numpy first makes the gate
reproducible: the same data and configuration always give the same report.
Usage: python -m tests.nlu_cv [rasa test nlu arguments]
"""

from __future__ import annotations

import sys

import numpy as np

SEED = 20261123


def main() -> None:
    np.random.seed(SEED)
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", "test", "nlu", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
