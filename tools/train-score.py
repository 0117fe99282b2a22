#!/usr/bin/env python3
"""Train a small classifier on labelled points and export its score map for
advflow: the kind of file a user brings from their own model.

    tools/train-score.py POINTS.csv --n 256 --box -1 1 -o SCORES.npy

POINTS.csv is what `advflow data` writes (x,y,label).  The model is a
two-layer perceptron (2 -> H -> H -> 1, tanh, sigmoid output) trained by
full-batch Adam on the cross-entropy, with a fixed seed, in numpy alone.
The score map is the model's probability of class 1 at advflow's cell
centres, saved as float32 with a[j, i] at (x_i, y_j), j counting up from
y = lo (docs/cases.md, "Score maps"), so `[initial] shape = score` with
`level = 0.5` is the model's decision region.

cases/xor_scores.npy and cases/moons_scores.npy (from cases/moons.ini) were made by
    build/advflow data cases/xor.ini -o /tmp/xor.csv
    tools/train-score.py /tmp/xor.csv --n 256 --box -1 1 -o cases/xor_scores.npy
Needs python3-numpy (Debian).  GPL-3.0-or-later.
"""
import argparse
import sys

import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("points", help="CSV of x,y,label (a header line is skipped)")
    ap.add_argument("--n", type=int, default=256, help="cells per axis of the case's grid")
    ap.add_argument("--box", type=float, nargs=2, default=[-1.0, 1.0], metavar=("LO", "HI"))
    ap.add_argument("--hidden", type=int, default=16, help="units per hidden layer")
    ap.add_argument("--epochs", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--out", required=True, help="output .npy")
    a = ap.parse_args()

    data = np.loadtxt(a.points, delimiter=",", comments="#", skiprows=1, ndmin=2)
    if data.shape[1] != 3:
        sys.exit(f"{a.points}: expected 3 columns x,y,label")
    X, y = data[:, :2], data[:, 2:3]
    lo, hi = a.box
    # inputs scaled to [-1, 1] over the box, so that the initial weights suit any box
    scale = lambda p: 2 * (p - lo) / (hi - lo) - 1

    rng = np.random.default_rng(a.seed)
    H = a.hidden
    params = [rng.normal(0, 1 / np.sqrt(2), (2, H)), np.zeros(H),
              rng.normal(0, 1 / np.sqrt(H), (H, H)), np.zeros(H),
              rng.normal(0, 1 / np.sqrt(H), (H, 1)), np.zeros(1)]

    def forward(p, Z):
        h1 = np.tanh(Z @ p[0] + p[1])
        h2 = np.tanh(h1 @ p[2] + p[3])
        return h1, h2, 1 / (1 + np.exp(-(h2 @ p[4] + p[5])))

    Z = scale(X)
    m = [np.zeros_like(q) for q in params]
    v = [np.zeros_like(q) for q in params]
    lr, b1, b2 = 0.01, 0.9, 0.999
    for t in range(1, a.epochs + 1):
        h1, h2, out = forward(params, Z)
        d = (out - y) / len(y)                  # d loss / d logit (cross-entropy)
        g5 = d.sum(0)
        g4 = h2.T @ d
        d2 = (d @ params[4].T) * (1 - h2 ** 2)
        g3 = d2.sum(0)
        g2 = h1.T @ d2
        d1 = (d2 @ params[2].T) * (1 - h1 ** 2)
        g1 = d1.sum(0)
        g0 = Z.T @ d1
        for k, g in enumerate([g0, g1, g2, g3, g4, g5]):
            m[k] = b1 * m[k] + (1 - b1) * g
            v[k] = b2 * v[k] + (1 - b2) * g * g
            params[k] -= lr * (m[k] / (1 - b1 ** t)) / (np.sqrt(v[k] / (1 - b2 ** t)) + 1e-8)
    acc = np.mean((forward(params, Z)[2] > 0.5) == (y > 0.5))

    xc = lo + (np.arange(a.n) + 0.5) * (hi - lo) / a.n
    XX, YY = np.meshgrid(xc, xc)                # XX[j, i] = x_i, YY[j, i] = y_j
    grid = np.stack([XX.ravel(), YY.ravel()], axis=1)
    score = forward(params, scale(grid))[2].reshape(a.n, a.n).astype("<f4")
    np.save(a.out, score)
    print(f"training accuracy = {acc:.4f}")
    print(f"score_min = {score.min():.6g}")
    print(f"score_max = {score.max():.6g}")


if __name__ == "__main__":
    main()
