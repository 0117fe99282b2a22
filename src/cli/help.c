/* advflow CLI: the help texts, one per command.  GPL-3.0-or-later. */
#include <string.h>

#include "cli.h"

static const char *const main_help =
    "advflow - the geometric flow hidden in adversarial training\n"
    "\n"
    "Adversarial training with budget eps adds eps * Per_eps(A) to the risk of a\n"
    "classifier A, where Per_eps is a nonlocal perimeter: the data mass within eps\n"
    "of the decision boundary.  advflow computes Per_eps on grids and runs the\n"
    "minimizing-movements scheme for it exactly (each step a minimum cut), which\n"
    "approximates weighted mean curvature flow V = kappa + d_nu log rho.\n"
    "\n"
    "usage: advflow COMMAND CASE.ini [options]\n"
    "\n"
    "commands:\n"
    "  run        run the flow of a case: history.csv (areas, perimeters, risks),\n"
    "             frames, masks, overview.png, risks.png\n"
    "  perimeter  print Per_eps and its parts for the case's initial shape\n"
    "  render     write a PNG of the case's initial mask, density or frame\n"
    "  data       write the case's data points as CSV and a scatter picture\n"
    "  robust     the robust-optimal classifier: the exact minimiser of the\n"
    "             adversarial risk, its risks, and the best any classifier can do\n"
    "  attack     attack paths (iterated FGSM) against the case's classifier\n"
    "  help CMD   explain a command (same as advflow CMD --help)\n"
    "\n"
    "options for every command:\n"
    "  --set SECTION.KEY=VALUE   override a key of the case file (repeatable)\n"
    "  -h, --help                show help\n"
    "  --version                 print the version\n"
    "\n"
    "Case files are INI files: see docs/cases.md and the examples in cases/;\n"
    "the mathematics is in docs/theory.md, a worked example in docs/example-moons.md.\n"
    "Exit status: 0 success, 1 runtime failure, 2 usage or input error.\n";

static const char *const run_help =
    "usage: advflow run CASE.ini [--set SECTION.KEY=VALUE]... [--out DIR] [--quiet]\n"
    "\n"
    "Runs the flow of a case: from the [initial] shape A_0, each step computes\n"
    "A_{k+1} = a minimiser of Per_eps(A) + (1/h) sum rho |s_k|^p |1_A - 1_{A_k}| dx^2\n"
    "exactly by a minimum cut ([scheme] method = mm), or one Merriman-Bence-Osher step\n"
    "(method = mbo), at time t_k = k h.  It stops after [scheme] steps, at t_end, or\n"
    "when the set vanishes.  Written into DIR (default: [output] dir, else\n"
    "out/<case name>), which is created if missing:\n"
    "  history.csv        one row per step: step,time,area,perimeter_eps,\n"
    "                     perimeter_local,energy,...,risk_clean,risk_adv and, with\n"
    "                     [data], risk_clean_points,risk_adv_points (docs/cases.md);\n"
    "                     with [data] a first line '# risk_adv_points_bound = ...'\n"
    "  frame_NNNNN.png    every [output] every steps: region over the density (two\n"
    "                     hues when the classes differ) and the data points\n"
    "  mask_NNNNN.png     the same steps as 8-bit masks (255 inside)\n"
    "  mask_final.png     the last step's mask\n"
    "  overview.png       boundaries at several times over the density\n"
    "  risks.png          clean and adversarial risks against time\n"
    "risk_clean = E|1_A - y| and risk_adv = E sup_{B_eps} |1_A - y| are fractions of\n"
    "the density's mass; risk_adv = risk_clean + w_B Per_eps / mass exactly\n"
    "(docs/theory.md section 1).  On data points: the weighted fractions\n"
    "misclassified and attacked (eps-ball meets the other class's cells).\n"
    "On a terminal a progress line shows the step, time, area and time left.\n"
    "Every input is checked before anything is written; Ctrl-C stops after the\n"
    "current step and still writes the final mask, overview and history.\n"
    "tools/frames-to-video.sh DIR turns the frames into an MP4 or GIF.\n"
    "\n"
    "options:\n"
    "  --set SECTION.KEY=VALUE   override a case key, e.g. --set grid.n=512\n"
    "  --out DIR                 output folder\n"
    "  --quiet                   print nothing but errors\n";

static const char *const perimeter_help =
    "usage: advflow perimeter CASE.ini [--set SECTION.KEY=VALUE]...\n"
    "\n"
    "Prints one `name = value` line per figure for the case's initial shape:\n"
    "  eps            the budget [scheme] epsilon, in length units\n"
    "  eps_cells      eps / dx\n"
    "  per_eps        Per_eps(A; rho0, rho1), normalised by w_B (docs/theory.md section 1)\n"
    "  per_eps_outer  (1/w_B) * rho0-mass of the outer strip D(A) \\ A\n"
    "  per_eps_inner  (1/w_B) * rho1-mass of the inner strip A \\ E(A)\n"
    "  per_local      length of the smoothed boundary weighted by rho0 + rho1\n"
    "  per_eps_raw    Per_eps normalised by eps instead of w_B\n"
    "  w_B            eps * width_ratio\n"
    "  width_ratio    mean width of the digital ball / of the continuous ball\n"
    "  anisotropy     max/min of the digital ball's support function relative to\n"
    "                 the continuous ball's (1 = exact; prefer radii where it is small)\n"
    "  normal_gap_deg widest range of boundary normals, in degrees, over which the\n"
    "                 digital ball's perimeter has no curvature (its hull is a\n"
    "                 polygon); arcs inside it lag the flow.  36.9 for eps = 5\n"
    "                 cells, 18.9 for 20 cells; see docs/validation.md, ellipse\n"
    "  area           area of the mask\n"
    "For rho0 = rho1 = 1/2 (uniform density 1) and small eps, per_eps of a disc of\n"
    "radius r is close to 2 pi r.\n"
    "\n"
    "example:\n"
    "  advflow perimeter cases/circle.ini --set scheme.epsilon=0.02 --set grid.n=512\n";

static const char *const render_help =
    "usage: advflow render CASE.ini [--set SECTION.KEY=VALUE]... [--what mask|density|frame]\n"
    "                      [--scale N] -o FILE.png\n"
    "\n"
    "Writes one PNG of the case's initial state:\n"
    "  mask     8-bit gray, one pixel per cell, 255 inside (default)\n"
    "  density  8-bit gray, rho0 + rho1 scaled so that its maximum is white\n"
    "  frame    colour picture: density shading (two hues when the classes\n"
    "           differ), region tint, boundary line, data points; N pixels per\n"
    "           cell (--scale, default automatic up to 1024 pixels)\n"
    "\n"
    "example:\n"
    "  advflow render cases/moons.ini --what frame -o moons.png\n";

static const char *const data_help =
    "usage: advflow data CASE.ini [--set SECTION.KEY=VALUE]... [-o FILE.csv] [--quiet]\n"
    "\n"
    "Writes the case's data points ([data]: read from a CSV file or generated) as\n"
    "CSV (header x,y,label; 17 digits, so reading it back gives the same points)\n"
    "and a scatter picture beside it (FILE.png: the points in class colours, class\n"
    "0 orange and class 1 blue, over the class densities; of more than 20000\n"
    "points, every k-th).  Points outside the box are left out, with a warning.\n"
    "Default FILE: [output] dir/points.csv.\n"
    "Prints one name = value line per figure:\n"
    "  points, points_class0, points_class1   points in the box\n"
    "  outside                 points of the source outside the box (left out)\n"
    "  prior1                  weighted share of class 1 (weight1 * count1 / total)\n"
    "  bandwidth0, bandwidth1  kernel bandwidths, length units ([density] kind = kde)\n"
    "  risk_adv_points_bound   the smallest adversarial risk on the points that any\n"
    "                          classifier can have with budget [scheme] epsilon\n"
    "  conflicts               pairs of points of different classes within 2 eps\n"
    "\n"
    "example:\n"
    "  advflow data cases/moons.ini -o moons.csv\n";

static const char *const robust_help =
    "usage: advflow robust CASE.ini [--set SECTION.KEY=VALUE]... [--eps-list E1,E2,...]\n"
    "                      [--out DIR] [--quiet]\n"
    "\n"
    "Computes the robust-optimal grid classifier: the region A minimising the\n"
    "adversarial risk E sup_{x' in B_eps(x)} |1_A(x') - y| = E|1_A - y| + w_B Per_eps(A)\n"
    "over all regions of the grid, for the case's densities, norm and epsilon.  It\n"
    "is what adversarial training converges to, found exactly by one minimum cut\n"
    "over the whole grid ([scheme] selection picks the smallest or largest\n"
    "minimiser; docs/theory.md section 3).  Prints one name = value line per figure:\n"
    "  eps, eps_cells, w_B       the budget and the perimeter's normalising width\n"
    "  risk_clean, risk_adv      risks of the robust classifier (fractions of the mass)\n"
    "  per_eps, area             its Per_eps and area\n"
    "  risk_clean_bayes, risk_adv_bayes   the same for the Bayes classifier\n"
    "                            {rho1 > rho0}, for comparison\n"
    "  risk_clean_points, risk_adv_points, risk_adv_points_bound, conflicts\n"
    "                            with [data]: the risks on the points and the\n"
    "                            smallest adversarial risk any classifier can have\n"
    "  nodes, arcs, solve_ms     size and time of the cut\n"
    "With --eps-list it prints instead a CSV table, one row per budget (length\n"
    "units), of the same figures.  With --out DIR it writes robust_mask.png,\n"
    "robust_mask.npy (uint8) and robust_frame.png (the robust region over the\n"
    "densities, the Bayes boundary in blue, the data points); with --eps-list,\n"
    "robust_eps.csv, robust_eps.png (risks against eps) and robust_frame.png with\n"
    "one boundary per budget (blue to red).  The cut covers the whole grid: about\n"
    "1.6 s at n = 256 and 8 s at n = 512 for eps = 5 cells.\n"
    "\n"
    "example:\n"
    "  advflow robust cases/moons.ini --eps-list 0.02,0.05,0.1,0.15 --out out/robust\n";

static const char *const attack_help =
    "usage: advflow attack CASE.ini [--set SECTION.KEY=VALUE]... [--mask FILE.png]\n"
    "                      [--points K] [--tau T] [--steps S] [--out DIR] [--quiet]\n"
    "\n"
    "Attacks the case's classifier with iterated FGSM.  The classifier is the\n"
    "case's [initial] region, or the mask given with --mask (e.g. a run's\n"
    "mask_final.png; sampled at the cell centres like a png shape, so a PNG of\n"
    "another size is stretched over the box).  From each point x0,\n"
    "  x <- projection onto B_eps(x0) of x + tau d,\n"
    "d the steepest ascent direction of the loss in the [scheme] norm (the sign\n"
    "of the gradient for inf, the normalised gradient for 2).  The loss climbs\n"
    "the region's signed distance blurred at one cell (docs/design.md says why).\n"
    "Points: K data points with their labels (evenly through the list; default\n"
    "50, at most all), or without [data] a K-point lattice labelled by the\n"
    "classifier (default 25).  tau defaults to eps / 10, steps to 20.  Writes\n"
    "DIR/attack_paths.csv (point,step,x,y,label,score,prediction) and\n"
    "DIR/attack.png (paths over the frame), and prints:\n"
    "  points            attacked points\n"
    "  misclassified     of which the classifier gets wrong before any attack\n"
    "  flipped           of the others, those whose prediction the attack changed\n"
    "  flipped_fraction  flipped / (points - misclassified)\n"
    "  mean_flip_step    mean first step at which the prediction changed\n"
    "  tau, steps, eps\n"
    "As tau -> 0 the paths converge to the curve of maximal slope of the loss\n"
    "(Weigand, Roith, Burger 2024).\n"
    "\n"
    "example:\n"
    "  advflow attack cases/moons.ini --points 30 --out out/attack\n";

const char *help_of(const char *cmd)
{
    static const struct {
        const char *name, *text;
    } helps[] = {
        {"run", run_help},       {"perimeter", perimeter_help}, {"render", render_help},
        {"data", data_help},     {"robust", robust_help},       {"attack", attack_help},
    };
    if (!cmd)
        return main_help;
    for (size_t k = 0; k < sizeof helps / sizeof helps[0]; k++)
        if (!strcmp(cmd, helps[k].name))
            return helps[k].text;
    return NULL;
}
