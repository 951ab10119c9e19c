#!/usr/bin/env python3
"""Regenerates docs/performance.md: every row of the performance table, measured here.

    python3 scripts/bench.py            # all rows (a few minutes on 2 cores)
    python3 scripts/bench.py --quick    # fewer repetitions

Public tools only: the release binary, `hyperfine` when it is installed (Debian package
`hyperfine`), else repeated runs timed here; peak memory from GNU time (`/usr/bin/time -f
%M`); `cargo bench` (divan) for the in-process figure; `checkov` (PyPI) for the comparison
when it is installed. Medians of paired runs: each eksflow run is timed next to its baseline
(`eksflow --version`, `cat`), alternating, so a busy machine slows both alike.
"""
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "eksflow")
QUICK = "--quick" in sys.argv
RUNS = 5 if QUICK else 15


def sh(args, **kw):
    return subprocess.run(args, cwd=ROOT, check=True, capture_output=True, **kw)


def timed(args, stdin=None):
    """Seconds for one run of `args`, output discarded."""
    start = time.perf_counter()
    subprocess.run(args, cwd=ROOT, stdin=stdin, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def paired(args, baseline, runs=RUNS):
    """Median seconds of `args` and of `baseline`, alternating runs."""
    a, b = [], []
    for _ in range(runs):
        a.append(timed(args))
        b.append(timed(baseline))
    return statistics.median(a), statistics.median(b)


def median(args, runs=RUNS):
    return statistics.median(timed(args) for _ in range(runs))


def peak_mib(args):
    """Peak resident memory of one run, in MiB (GNU time's %M is KiB)."""
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *args], cwd=ROOT,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return int(out.stderr.strip().splitlines()[-1]) / 1024


def divan_median(output, case):
    """The median column of divan's row for `case`: divan prints a tree of rows whose
    columns (fastest │ slowest │ median │ mean │ samples │ iters) are split by `│`."""
    for line in output.splitlines():
        name = line.split("│")[0]
        if re.search(rf"[─ ]{case}\b", name):
            columns = [column.strip() for column in line.split("│")]
            if len(columns) >= 3:
                return columns[2]
    return None


def ms(seconds):
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def main():
    sh(["cargo", "build", "--release", "--locked"])
    sh(["cargo", "build", "--release", "--locked", "--example", "generate"])
    work = tempfile.mkdtemp(prefix="eksflow-bench-")
    rows = []
    try:
        generated = os.path.join(work, "generated.yaml")
        with open(generated, "w") as out:
            subprocess.run([os.path.join(ROOT, "target", "release", "examples", "generate"),
                            "10000"], stdout=out, check=True)
        bundled = os.path.join(ROOT, "scenarios", "public-and-private.yaml")

        e2e, version = paired([BIN, "check", bundled], [BIN, "--version"], RUNS * 10)
        rows.append(("bundled scenario, end to end vs `eksflow --version`",
                     f"{ms(e2e)} vs {ms(version)} ({e2e / version:.2f}×)", "≤ 1.2×"))
        rows.append(("10,000-client scenario, `check` (table), end to end",
                     ms(median([BIN, "check", generated])), "≤ 50 ms"))
        args = [BIN, "check", generated, "--format", "json"]
        rows.append(("10,000-client scenario, `check --format json`",
                     f"{ms(median(args))}, {peak_mib(args):.0f} MiB peak", "≤ 80 ms, ≤ 64 MiB"))
        args = [BIN, "compare", generated, "--format", "json"]
        rows.append(("10,000-client scenario, `compare --format json`",
                     f"{ms(median(args))}, {peak_mib(args):.0f} MiB peak", "≤ 200 ms, ≤ 96 MiB"))

        files = os.path.join(work, "files")
        os.makedirs(files)
        names = sorted(f for f in os.listdir(os.path.join(ROOT, "scenarios")) if f.endswith(".yaml"))
        for i in range(10000):
            shutil.copy(os.path.join(ROOT, "scenarios", names[i % len(names)]),
                        os.path.join(files, f"{i:05}-{names[i % len(names)]}"))
        lint, cat = paired([BIN, "lint", files, "--quiet"],
                           ["sh", "-c", f"cat {files}/* > /dev/null"], max(3, RUNS // 3))
        rows.append(("`lint` of 10,000 scenario files vs `cat` of the same files",
                     f"{ms(lint)} = {lint / cat:.1f}× cat, "
                     f"{peak_mib([BIN, 'lint', files, '--quiet']):.0f} MiB",
                     "≤ 4× cat, ≤ 64 MiB"))

        bench = subprocess.run(["cargo", "bench", "--locked", "--bench", "analysis", "--",
                                "generated_analysis_only"], cwd=ROOT, capture_output=True,
                               text=True).stdout
        rows.append(("in-process analysis of the 10,000-client scenario (`cargo bench`)",
                     divan_median(bench, "10000") or "not measured", "≤ 40 ms"))

        plans = os.path.join(work, "plans")
        os.makedirs(plans)
        plan = os.path.join(ROOT, "tests", "fixtures", "import", "terraform", "public-plan.json")
        for i in range(1000):
            shutil.copy(plan, os.path.join(plans, f"plan-{i:04}.json"))
        eksflow_plans = median([BIN, "lint", plans, "--quiet"], max(3, RUNS // 3))
        # `CHECKOV=/path/to/checkov` when it is installed outside PATH (e.g. a venv).
        checkov = os.environ.get("CHECKOV") or shutil.which("checkov")
        if checkov:
            checkov_time = timed([checkov, "-d", plans, "--quiet", "--compact"])
            rows.append(("`eksflow lint` of 1,000 Terraform plans vs `checkov -d`",
                         f"{ms(eksflow_plans)} vs {ms(checkov_time)} "
                         f"({checkov_time / eksflow_plans:.0f}× faster)", "≥ 500×"))
        else:
            rows.append(("`eksflow lint` of 1,000 Terraform plans (checkov not installed)",
                         ms(eksflow_plans), "≥ 500× checkov"))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    commit = sh(["git", "rev-parse", "--short", "HEAD"], text=True).stdout.strip()
    rustc = sh(["rustc", "--version"], text=True).stdout.strip()
    cpu = platform.processor() or platform.machine()
    doc = [
        "# Performance",
        "",
        f"Measured by `python3 scripts/bench.py` on {time.strftime('%Y-%m-%d')} at commit "
        f"`{commit}`, on a {os.cpu_count()}-core {cpu} machine ({platform.system()}, {rustc}, "
        "release build). Medians of repeated runs; an eksflow run is paired with its baseline "
        "(alternating) so a busy machine slows both alike. Rerun the script to regenerate this "
        "page.",
        "",
        "| job | measured | target |",
        "|---|---|---|",
    ]
    doc += [f"| {job} | {measured} | {target} |" for job, measured, target in rows]
    doc += ["", "The generated scenario is `cargo run --release --example generate -- 10000` "
            "(10,000 clients, 20 VPCs, 40 public CIDRs, 200 security-group rules).", ""]
    page = os.path.join(ROOT, "docs", "performance.md")
    # The hand-written notes below the table ("## What made it fast" onwards) are kept.
    kept = ""
    if os.path.exists(page):
        old = open(page, encoding="utf-8").read()
        at = old.find("\n## What made it fast")
        kept = old[at:] if at >= 0 else ""
    with open(page, "w", encoding="utf-8") as out:
        out.write("\n".join(doc) + kept)
    print("\n".join(doc))


if __name__ == "__main__":
    main()
