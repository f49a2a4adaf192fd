"""NUTS against Stan's reference posteriors (posteriordb), a fast subset of
benchmarks/validate_posteriordb.py (which runs all of them and commits its table): every
reference quantity's mean within 4 MCSE and sd within 10 % (or 4 MCSE of the sd)."""
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "benchmarks"))
sys.path.insert(0, os.path.join(HERE, "..", "ppl"))

from posteriordb_models import POSTERIORS  # noqa: E402
from validate_posteriordb import validate  # noqa: E402

FAST = ["eight_schools-eight_schools_noncentered", "earnings-logearn_height", "sblrc-blr", "garch-garch11",
        "arK-arK", "kidiq-kidscore_interaction"]


@pytest.mark.parametrize("row", [r for r in POSTERIORS if r.name in FAST], ids=lambda r: r.name)
def test_matches_reference(row):
    result = validate(row, seed=1, chains=4, tune=500, draws=500)
    bad = [q for q in result["quantities"] if not q["ok"]]
    assert result["passed"], "\n".join(
        f"{q['name']}: mean {q['mean']:.4g} vs {q['ref_mean']:.4g} ({q['z_mean']:.1f} MCSE), "
        f"sd {q['sd']:.4g} vs {q['ref_sd']:.4g}" for q in bad)
