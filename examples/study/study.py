"""The paper's study with rmod alone: for Peaks, Ackley and Himmelblau, sample data, train
networks with and without regularization, measure the indicators (test RMSE, linear regions,
stable neurons under interval arithmetic and LP-OBBT), then minimize each network over its box
with bounds IA / LP / MILP and neuron scaling off / on, and record the effort and the answer
(the surrogate's optimum and the true function at its argmin).

    python3 examples/study/study.py [--quick] [--rmod PATH] [--out DIR]

Only the `rmod` command is called (sample, train, net regions, net bounds, solve, sample --at);
this script only orchestrates and tabulates (Python standard library only). Writes
DIR/results.csv, DIR/results.md (one row per solve), DIR/networks.md (one row per network),
DIR/summary.md (the paper's questions in numbers) and one SVG plot per function (total time against the share of
stable neurons) (default DIR: examples/study/out)."""
import argparse
import csv
import json
import os
import subprocess
import sys
import time

FUNCTIONS = [  # name, box, true minimum
    ("peaks", "[-2,2]^2", -6.5511),
    ("ackley", "[-3.5,3.5]^2", 0.0),
    ("himmelblau", "[-5,5]^2", 0.0),
]

FULL = {  # 3 functions x 3 depths x 8 trainings x 6 solves of at most 5 s: under an hour on 2 cores
    "samples": 10000, "epochs": 100, "depths": [2, 3, 5], "width": 25, "time_limit": 5,
    "regions_samples": 100000,
    "regs": [("none", []), ("l1 1e-4", ["--l1", "1e-4"]), ("l1 1e-3", ["--l1", "1e-3"]),
             ("l2 1e-3", ["--l2", "1e-3"]), ("dropout 0.1", ["--dropout", "0.1"]),
             ("clipped 1", ["--activation", "clipped_relu:1"]),
             ("width 1e-3", ["--bound-width", "1e-3"]), ("width 1e-2", ["--bound-width", "1e-2"])],
    "solves": [(b, s, 0) for b in ("ia", "lp", "milp") for s in ("off", "balanced")] + [("lp", "off", 100000)],
}
QUICK = {
    "samples": 2000, "epochs": 15, "depths": [2], "width": 25, "time_limit": 3,
    "regions_samples": 20000,
    "regs": [("none", []), ("l1 1e-3", ["--l1", "1e-3"]), ("width 1e-2", ["--bound-width", "1e-2"])],
    "solves": [("ia", "off", 0), ("lp", "off", 0), ("lp", "balanced", 0), ("lp", "off", 100000)],
}


def run(rmod, args):
    out = subprocess.run([rmod] + args, capture_output=True, text=True)
    if out.returncode not in (0, 2, 3, 4, 5):
        sys.exit(f"rmod {' '.join(args)} failed ({out.returncode}):\n{out.stderr}")
    return out.stdout


def svg_plot(rows, fname, path):
    """Total solve time against the share of stable neurons (IA), one point per solve."""
    pts = [(r["stable_ia"], r["total_s"], r["bounds"]) for r in rows if r["function"] == fname]
    if not pts:
        return
    w, h, m = 480, 320, 50
    xmax = max(0.05, max(p[0] for p in pts)) * 1.1
    ymax = max(0.1, max(p[1] for p in pts)) * 1.1
    colors = {"ia": "#d62728", "lp": "#1f77b4", "milp": "#2ca02c"}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="11">',
           f'<text x="{w / 2}" y="16" text-anchor="middle">{fname}: total time vs stable share (IA)</text>',
           f'<line x1="{m}" y1="{h - m}" x2="{w - 10}" y2="{h - m}" stroke="black"/>',
           f'<line x1="{m}" y1="{h - m}" x2="{m}" y2="20" stroke="black"/>',
           f'<text x="{w / 2}" y="{h - 12}" text-anchor="middle">stable share (0 .. {xmax:.2f})</text>',
           f'<text x="12" y="{h / 2}" transform="rotate(-90 12 {h / 2})" text-anchor="middle">total s (0 .. {ymax:.1f})</text>']
    for x, y, b in pts:
        cx = m + (w - m - 10) * x / xmax
        cy = (h - m) - (h - m - 20) * y / ymax
        out.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{colors.get(b, "gray")}" fill-opacity="0.6"/>')
    for i, (b, c) in enumerate(colors.items()):
        out.append(f'<circle cx="{w - 90}" cy="{34 + 14 * i}" r="4" fill="{c}"/><text x="{w - 80}" y="{38 + 14 * i}">bounds {b}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def num(r, k):
    """Field k of a results row as a number (None where empty)."""
    return float(r[k]) if r[k] not in ("", None, "None") else None


def show(v, digits=4):
    return "-" if v is None else (f"{v:.{digits}g}" if isinstance(v, float) else str(v))


def summarize(rows, limit):
    """Aggregates of the study's rows (as read from results.csv): the paper's questions in numbers."""
    f = num
    med = lambda v: (sorted(v)[len(v) // 2] if len(v) % 2 else 0.5 * sum(sorted(v)[len(v) // 2 - 1:len(v) // 2 + 1])) if v else None
    fmt = lambda v: show(v, 3)

    def rank(v):
        order = sorted(range(len(v)), key=lambda i: v[i])
        r = [0.0] * len(v)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and v[order[j + 1]] == v[order[i]]:
                j += 1
            for k in range(i, j + 1):
                r[order[k]] = (i + j) / 2
            i = j + 1
        return r

    def spearman(x, y):
        if len(x) < 3:
            return None
        rx, ry = rank(x), rank(y)
        mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
        sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
        sxx = sum((a - mx) ** 2 for a in rx) ** 0.5
        syy = sum((b - my) ** 2 for b in ry) ** 0.5
        return sxy / (sxx * syy) if sxx > 0 and syy > 0 else None

    out = []
    # 1. per regularization: the indicators and the effort (IA bounds, no scaling)
    out.append(f"Per training (all functions and depths; effort with `bounds = \"ia\"`, no scaling, {limit} s limit):\n")
    out.append("| regularization | networks | test RMSE (median) | regions (median) | stable IA (mean) | stable LP (mean) | solved to optimality | total s (median) |")
    out.append("|---|---|---|---|---|---|---|---|")
    regs = list(dict.fromkeys(r["regularization"] for r in rows))
    for reg in regs:
        base = [r for r in rows if r["regularization"] == reg and r["bounds"] == "ia" and r["scaling"] == "off"
                and r.get("split", "off") == "off"]
        out.append(f"| {reg} | {len(base)} | {fmt(med([f(r, 'test_rmse') for r in base]))} | {fmt(med([f(r, 'regions') for r in base]))} | "
                   f"{fmt(sum(f(r, 'stable_ia') for r in base) / max(len(base), 1))} | {fmt(sum(f(r, 'stable_lp') for r in base) / max(len(base), 1))} | "
                   f"{sum(r['status'] == 'optimal' for r in base)}/{len(base)} | {fmt(med([f(r, 'total_s') for r in base]))} |")
    # 2. rank correlations over the networks (IA, no scaling)
    base = [r for r in rows if r["bounds"] == "ia" and r["scaling"] == "off" and r.get("split", "off") == "off"]
    out.append("\nSpearman rank correlation over the networks (IA bounds, no scaling; times at the limit count as the limit):\n")
    out.append("| function | networks | stable share vs total time | linear regions vs total time | stable share vs regions |")
    out.append("|---|---|---|---|---|")
    for fn in list(dict.fromkeys(r["function"] for r in rows)) + ["all"]:
        b = [r for r in base if fn == "all" or r["function"] == fn]
        s, t, g = [f(r, "stable_ia") for r in b], [f(r, "total_s") for r in b], [f(r, "regions") for r in b]
        out.append(f"| {fn} | {len(b)} | {fmt(spearman(s, t))} | {fmt(spearman(g, t))} | {fmt(spearman(s, g))} |")
    # 3. OBBT's cost against its saving, and scaling, as ratios per network
    key = lambda r: (r["function"], r["layers"], r["regularization"])
    by = {}
    for r in rows:
        by.setdefault(key(r), {})[(r["bounds"], r["scaling"], r.get("split", "off"))] = r
    out.append("\nBound method against IA (same network, no scaling): median ratio of total time, and how often each proved optimality:\n")
    out.append("| bounds | depth | networks | tighten s (median) | total / IA total (median) | optimal (method) | optimal (IA) |")
    out.append("|---|---|---|---|---|---|---|")
    depths = list(dict.fromkeys(r["layers"] for r in rows))
    for m in ("lp", "milp"):
        for d in depths:
            pairs = [(v[(m, "off", "off")], v[("ia", "off", "off")]) for k, v in by.items()
                     if k[1] == d and (m, "off", "off") in v and ("ia", "off", "off") in v]
            if not pairs:
                continue
            out.append(f"| {m} | {d} | {len(pairs)} | {fmt(med([f(a, 'tighten_s') for a, _ in pairs]))} | "
                       f"{fmt(med([f(a, 'total_s') / max(f(b, 'total_s'), 1e-9) for a, b in pairs]))} | "
                       f"{sum(a['status'] == 'optimal' for a, _ in pairs)}/{len(pairs)} | {sum(b['status'] == 'optimal' for _, b in pairs)}/{len(pairs)} |")
    out.append("\nScaling (`relu_scaling = \"balanced\"` against off, same network and bounds), where both solves were optimal (ratios of total time) and how often each was optimal:\n")
    out.append("| bounds | pairs both optimal | balanced / off (median) | (min .. max) | optimal: off | optimal: balanced |")
    out.append("|---|---|---|---|---|---|")
    for m in ("ia", "lp", "milp"):
        pairs = [(v[(m, "balanced", "off")], v[(m, "off", "off")]) for v in by.values()
                 if (m, "balanced", "off") in v and (m, "off", "off") in v]
        both = [(a, b) for a, b in pairs if a["status"] == b["status"] == "optimal"]
        ratios = [f(a, "total_s") / max(f(b, "total_s"), 1e-9) for a, b in both]
        if pairs:
            out.append(f"| {m} | {len(both)} | {fmt(med(ratios))} | {fmt(min(ratios)) if ratios else '-'} .. {fmt(max(ratios)) if ratios else '-'} | "
                       f"{sum(b['status'] == 'optimal' for _, b in pairs)}/{len(pairs)} | {sum(a['status'] == 'optimal' for a, _ in pairs)}/{len(pairs)} |")
    out.append("\nInput splitting (`input_split = 100000` with LP bounds, no scaling) against the same solve without it, per depth:\n")
    out.append("| depth | networks | split / plain total (median) | (min .. max) | optimal: plain | optimal: split |")
    out.append("|---|---|---|---|---|---|")
    for d in depths:
        pairs = [(v[("lp", "off", "on")], v[("lp", "off", "off")]) for k, v in by.items()
                 if k[1] == d and ("lp", "off", "on") in v and ("lp", "off", "off") in v]
        ratios = [f(a, "total_s") / max(f(b, "total_s"), 1e-9) for a, b in pairs]
        if pairs:
            out.append(f"| {d} | {len(pairs)} | {fmt(med(ratios))} | {fmt(min(ratios))} .. {fmt(max(ratios))} | "
                       f"{sum(b['status'] == 'optimal' for _, b in pairs)}/{len(pairs)} | {sum(a['status'] == 'optimal' for a, _ in pairs)}/{len(pairs)} |")
    mism = [f(r, "mismatch_rel") for r in rows if f(r, "mismatch_rel") is not None]
    out.append(f"\nLargest forward-pass mismatch (relative) over all {len(rows)} solves: {fmt(max(mism) if mism else None)}.")
    return "\n".join(out) + "\n"


def wide_table(rows):
    """One row per network: its indicators, then the total time of every solve (`*`: stopped at the
    limit, not proven optimal), the best surrogate minimum found and the true function there."""
    f, fmt = num, show
    solves = list(dict.fromkeys((r["bounds"], r["scaling"], r.get("split", "off")) for r in rows))
    name = lambda b, sc, sp: b + ("+" + sc if sc != "off" else "") + ("+split" if sp == "on" else "")
    head = ["function", "layers", "regularization", "test RMSE", "regions", "stable IA", "stable LP"]
    head += [f"{name(*k)} s" for k in solves] + ["best min", "f at argmin"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    nets = {}
    for r in rows:
        nets.setdefault((r["function"], r["layers"], r["regularization"]), {})[(r["bounds"], r["scaling"], r.get("split", "off"))] = r
    for (fn, lay, reg), by in nets.items():
        any_r = next(iter(by.values()))
        cells = [fn, lay, reg, fmt(f(any_r, "test_rmse")), any_r["regions"], fmt(f(any_r, "stable_ia")), fmt(f(any_r, "stable_lp"))]
        for k in solves:
            r = by.get(k)
            cells.append("-" if r is None else f"{f(r, 'total_s'):.2f}" + ("" if r["status"] == "optimal" else "*"))
        best = min(by.values(), key=lambda r: f(r, "surrogate_min") if f(r, "surrogate_min") is not None else 1e300)
        cells += [fmt(f(best, "surrogate_min")), fmt(f(best, "true_f_at_argmin"))]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="a small version (under 5 minutes)")
    ap.add_argument("--rmod", default=os.path.join("target", "release", "rmod"))
    ap.add_argument("--out", default=os.path.join("examples", "study", "out"))
    ap.add_argument("--summarize", action="store_true", help="only rewrite DIR/summary.md and DIR/networks.md from DIR/results.csv")
    a = ap.parse_args()
    cfg = QUICK if a.quick else FULL
    if a.summarize:
        rows = list(csv.DictReader(open(os.path.join(a.out, "results.csv"))))
        text = summarize(rows, cfg["time_limit"])
        open(os.path.join(a.out, "summary.md"), "w").write(text)
        open(os.path.join(a.out, "networks.md"), "w").write(wide_table(rows))
        print(text)
        return
    os.makedirs(a.out, exist_ok=True)
    started = time.time()
    rows = []
    csv_out = csv_file = None  # results.csv is written row by row, so a cut run keeps what it measured
    for fname, box, fmin in FUNCTIONS:
        lo, hi = (float(v) for v in box[1:box.index("]")].split(","))
        data = os.path.join(a.out, f"{fname}.csv")
        run(a.rmod, ["sample", fname, "--box", box, "--n", str(cfg["samples"]), "--lhs", "--seed", "1", "-o", data])
        for depth in cfg["depths"]:
            for reg, flags in cfg["regs"]:
                tag = f"{fname}_{depth}x{cfg['width']}_{reg.replace(' ', '_')}"
                net = os.path.join(a.out, tag + ".json")
                run(a.rmod, ["train", data, "--inputs", "x1,x2", "--outputs", "y", "--layers", f"{depth}x{cfg['width']}",
                             "--epochs", str(cfg["epochs"]), "--lr", "3e-3", "--seed", "7", "-o", net] + flags)
                training = json.load(open(net))["training"]
                regions = run(a.rmod, ["net", "regions", net, "--box", box, "--samples", str(cfg["regions_samples"])]).split()[3]
                stable = {}
                for m in ("ia", "lp"):
                    doc = json.loads(run(a.rmod, ["net", "bounds", net, "--box", box, "--method", m, "--format", "json"]))
                    n = sum(l["neurons"] for l in doc["layers"])
                    stable[m] = sum(l["stable_active"] + l["stable_inactive"] for l in doc["layers"]) / max(n, 1)
                model = os.path.join(a.out, tag + ".rmod")
                with open(model, "w") as f:
                    f.write(f'net f = relu_net("{os.path.basename(net)}");\nvar x1 in [{lo}, {hi}];\nvar x2 in [{lo}, {hi}];\n'
                            f'var y;\nsubject to s: y = f(x1, x2);\nminimize v: y;\noption time_limit = {cfg["time_limit"]};\n'
                            f'option bound_budget = {cfg["time_limit"]};\n')
                for bounds, scaling, split in cfg["solves"]:
                    sol = json.loads(run(a.rmod, ["solve", model, "--format", "json", "--timings", "--no-cache",
                                                  "--option", f"bounds={bounds}", "--option", f"relu_scaling={scaling}",
                                                  "--option", f"input_split={split}"]))
                    t = sol.get("timings", {})
                    x = [sol["variables"].get("x1"), sol["variables"].get("x2")]
                    truth = None
                    if None not in x:
                        truth = float(run(a.rmod, ["sample", fname, "--at", f"{x[0]!r},{x[1]!r}"]))
                    netinfo = sol.get("networks", [{}])[0]
                    rows.append({
                        "function": fname, "layers": f"{depth}x{cfg['width']}", "regularization": reg,
                        "test_rmse": training["test_rmse"][0], "regions": regions,
                        "stable_ia": round(stable["ia"], 4), "stable_lp": round(stable["lp"], 4),
                        "bounds": bounds, "scaling": scaling, "split": "on" if split else "off", "status": sol["status"],
                        "cbc_iterations": sol["stats"].get("cbc_iterations"),
                        "binaries": netinfo.get("binaries"),
                        "tighten_s": round(netinfo.get("bound_seconds", 0.0), 3),
                        "solve_s": round(t.get("solve_s", 0.0), 3), "total_s": round(t.get("total_s", 0.0), 3),
                        "surrogate_min": sol["objective"]["value"], "true_f_at_argmin": truth, "true_min": fmin,
                        "mismatch_rel": netinfo.get("mismatch_rel"),
                    })
                    if csv_out is None:
                        csv_file = open(os.path.join(a.out, "results.csv"), "w", newline="")
                        csv_out = csv.DictWriter(csv_file, fieldnames=list(rows[0].keys()))
                        csv_out.writeheader()
                    csv_out.writerow(rows[-1])
                    csv_file.flush()
                    print(f"{tag:34s} {bounds:4s} {scaling:8s} {'split' if split else '':5s} {sol['status']:10s} total {rows[-1]['total_s']:7.2f} s  "
                          f"min {rows[-1]['surrogate_min']}  f(argmin) {truth}", flush=True)
    csv_file.close()
    fmt = show
    cols = ["function", "layers", "regularization", "test_rmse", "regions", "stable_ia", "stable_lp", "bounds", "scaling", "split",
            "status", "binaries", "tighten_s", "solve_s", "total_s", "surrogate_min", "true_f_at_argmin", "mismatch_rel"]
    md = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    md += ["| " + " | ".join(fmt(r[c]) for c in cols) + " |" for r in rows]
    text = "\n".join(md) + "\n"
    with open(os.path.join(a.out, "results.md"), "w") as f:
        f.write(text)
    for fname, _, _ in FUNCTIONS:
        svg_plot(rows, fname, os.path.join(a.out, f"{fname}.svg"))
    print(text)
    summary = summarize(list(csv.DictReader(open(os.path.join(a.out, "results.csv")))), cfg["time_limit"])
    with open(os.path.join(a.out, "summary.md"), "w") as f:
        f.write(summary)
    with open(os.path.join(a.out, "networks.md"), "w") as f:
        f.write(wide_table(list(csv.DictReader(open(os.path.join(a.out, "results.csv"))))))
    print(summary)
    print(f"study finished in {time.time() - started:.1f} s ({'quick' if a.quick else 'full'})")


if __name__ == "__main__":
    main()
