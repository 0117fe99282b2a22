#!/usr/bin/env python3
"""Flow a classifier's decision boundary given by its score map.

A made-up classifier scores the box [-1, 1]^2 with a smooth function whose
0-level line wiggles, s(x, y) = tanh(4 (y - w(x))); it predicts class 1 where
s > 0.  Adversarial training with budget eps adds eps Per_eps to the risk,
and iterating it moves the boundary by weighted mean curvature: here the
wiggles flatten.  The flow runs in the level-set representation, so the
boundary starts exactly at the score's 0-level line (between cell centres)
and moves by less than a cell per step.  The fast wiggle goes in a few
steps; the slow wave then nearly stops: its normals stay close to vertical,
inside the digital ball's widest cone of normals without curvature (the
printed normal gap; the grid's perimeter is slightly crystalline, README,
"How many cells eps spans").  A larger --eps-cells narrows the cone.

    make                                        # builds build/libadvflow.so
    python3 python/examples/flow_scores.py      # prints the area per step
    python3 python/examples/flow_scores.py --steps 40 --out flow.png

With matplotlib (Debian: python3-matplotlib) it also draws the score map,
the boundary every few steps and the area and length against time.
GPL-3.0-or-later.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
import advflow as af  # noqa: E402  (python/ beside this folder)


def score_map(g):
    """The made-up classifier's scores on g: a[j, i] at (x_i, y_j)."""
    X, Y = g.meshgrid()
    wiggle = 0.25 * np.sin(3 * X) + 0.1 * np.cos(8 * X + 1)
    return np.tanh(4 * (Y - wiggle))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=128, help="cells per axis (default 128)")
    ap.add_argument("--steps", type=int, default=30, help="steps (default 30)")
    ap.add_argument("--eps-cells", type=float, default=4, help="budget eps in cells (default 4)")
    ap.add_argument("--out", default="flow_scores.png", help="figure to write (with matplotlib)")
    args = ap.parse_args()

    g = af.Grid(args.n, -1, 1)
    eps = args.eps_cells * g.dx
    h = g.dx  # time step
    score = score_map(g)
    # the data: uniform density, split evenly between the classes (only the
    # boundary's motion matters here, so both classes weigh the same)
    rho0 = rho1 = np.full(g.shape, 0.5)
    # the level set u_0 = 0 - score: negative where the classifier says 1
    u0 = af.shape_field(g, "score", score=score, level=0.0)

    gap = af.perimeter(g, u0 < 0, rho0, rho1, eps)["normal_gap"]
    print(f"grid {g.n}^2, eps = {eps:.4g} ({args.eps_cells:g} cells, normal gap "
          f"{np.degrees(gap):.1f} degrees), h = {h:.4g}")
    print(f"{'step':>4} {'t':>8} {'area':>10} {'length':>10} {'Per_eps':>10}")
    times, areas, lengths, lines = [], [], [], []
    for k, t, u, stats in af.flow(g, u0, rho0, rho1, eps, h, steps=args.steps,
                                  representation="levelset"):
        segments, length = af.contour(g, u)
        area = af.contour_area(g, u)
        per = af.perimeter(g, u < 0, rho0, rho1, eps)["per_eps"]
        print(f"{k:4d} {t:8.4f} {area:10.6f} {length:10.6f} {per:10.6f}")
        times.append(t)
        areas.append(area)
        lengths.append(length)
        if k % max(1, args.steps // 6) == 0 or k == args.steps:
            lines.append((t, segments))

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.collections import LineCollection
    except ImportError:
        print("matplotlib is not installed, so no figure: on Debian, "
              "sudo apt-get install python3-matplotlib")
        return 0

    fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 5))
    im = ax.imshow(score, origin="lower", extent=g.extent, cmap="RdBu_r", vmin=-1, vmax=1)
    fig.colorbar(im, ax=ax, label="score")
    cmap = plt.get_cmap("viridis")
    for q, (t, seg) in enumerate(lines):
        colour = cmap(q / max(1, len(lines) - 1))
        ax.add_collection(LineCollection(seg.reshape(-1, 2, 2), colors=[colour], linewidths=1.5,
                                         label=f"t = {t:.3f}"))
    ax.set_title("decision boundary {score = 0} along the flow")
    ax.legend(loc="lower right", fontsize=8)
    bx.plot(times, areas, label="area of the class-1 region")
    bx.plot(times, lengths, label="boundary length")
    bx.set_xlabel("time t")
    bx.legend()
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
