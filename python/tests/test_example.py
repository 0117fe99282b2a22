# python/examples/flow_scores.py runs (small and short) and exits 0, with
# or without matplotlib.  GPL-3.0-or-later.
import os
import subprocess
import sys

from conftest import ROOT


def test_flow_scores_example(tmp_path):
    out = tmp_path / "flow.png"
    r = subprocess.run([sys.executable, os.path.join(ROOT, "python", "examples", "flow_scores.py"),
                        "--n", "48", "--steps", "3", "--out", str(out)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    rows = [line.split() for line in r.stdout.splitlines() if line[:4].strip().isdigit()]
    assert [int(row[0]) for row in rows] == [0, 1, 2, 3]
    assert out.exists() or "python3-matplotlib" in r.stdout
