#!/usr/bin/env python3
"""Client instructions per operation, aksara beside its hand-written diesel-async twin.

Builds the `instructions` binary of aksara-benches (release, as `cargo bench` builds), runs
it once per backend under `valgrind --tool=callgrind --instr-atstart=no` (the binary turns
instrumentation on around each counted operation only and dumps one file per batch), reads
the dumps, and prints a table `workload | aksara | twin | ratio` per backend. With `--out`
(default `benches/instructions.md`) it also writes the tables as Markdown.

    python3 benches/instructions.py                        # every backend, full datasets
    python3 benches/instructions.py --backends postgres get_by_pk load_posts
    python3 benches/instructions.py --scale small --quick 2 --big 1 --out ''   # a quick check

Counts are instructions executed by the client process (the servers are not counted;
SQLite's engine runs in the client, on both sides), per operation: the batch's total
divided by its operations. The ratio is aksara / twin. Servers come from `AKSARA_PG_URL` and
`AKSARA_MYSQL_URL` as for the benchmarks; an unreachable one is reported and skipped.
"""

import argparse
import datetime
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BACKENDS = ["postgres", "mysql", "sqlite"]
TITLES = {"postgres": "PostgreSQL", "mysql": "MariaDB", "sqlite": "SQLite"}
TRIGGER = "desc: Trigger: Client Request: "


def build(cargo_args):
    """Builds the binary and returns its path (from cargo's own report)."""
    out = subprocess.run(
        ["cargo", "build", "--release", "-p", "aksara-benches", "--bin", "instructions",
         "--message-format=json"] + cargo_args,
        cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True,
    ).stdout
    for line in out.splitlines():
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if msg.get("reason") == "compiler-artifact" and msg.get("executable") and \
                msg["target"]["name"] == "instructions":
            return msg["executable"]
    sys.exit("cargo built no `instructions` binary")


def read_dumps(directory):
    """{dump name: total instructions} of every client-request dump in `directory`."""
    totals = {}
    for path in glob.glob(os.path.join(directory, "callgrind.out*")):
        name, total = None, None
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith(TRIGGER):
                    name = line[len(TRIGGER):].strip()
                elif line.startswith("totals:"):
                    total = int(line.split(":", 1)[1].split()[0])
        if name is not None and total is not None:
            totals[name] = total
    return totals


def run_backend(binary, backend, args):
    """[(workload, aksara per op, twin per op)] for one backend, or a reason it was skipped."""
    directory = tempfile.mkdtemp(prefix=f"aksara-instructions-{backend}-")
    try:
        command = [
            "valgrind", "--tool=callgrind", "--instr-atstart=no", "--dump-instr=no",
            "--dump-line=no", "--compress-strings=no",
            f"--callgrind-out-file={os.path.join(directory, 'callgrind.out')}",
            binary, backend, "--scale", args.scale,
            "--quick", str(args.quick), "--big", str(args.big),
        ] + args.workloads
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if done.returncode != 0:
            sys.stderr.write(done.stderr[-4000:])
            sys.exit(f"{backend}: the instructions binary failed ({done.returncode})")
        skipped = [l for l in done.stdout.splitlines() if l.startswith("skipped: ")]
        if skipped:
            return skipped[0][len("skipped: "):]
        names = [l.split()[1] for l in done.stdout.splitlines() if l.startswith("batch ")]
        totals = read_dumps(directory)
        rows, order = {}, []
        for name in names:
            if name not in totals:
                sys.exit(f"{backend}: no callgrind dump for {name} (is valgrind's callgrind used?)")
            _, workload, side, iterations = name.split("/")
            per_op = totals[name] / int(iterations)
            if workload not in rows:
                rows[workload] = {}
                order.append(workload)
            rows[workload][side] = per_op
        return [(w, rows[w].get("aksara"), rows[w].get("diesel")) for w in order]
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def human(n):
    if n is None:
        return "-"
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if n >= limit:
            return f"{n / limit:.2f}{suffix}" if n < 100 * limit else f"{n / limit:.1f}{suffix}"
    return f"{n:.0f}"


def table(rows):
    lines = ["| workload | aksara | twin | ratio |", "|---|---:|---:|---:|"]
    for workload, a, d in rows:
        ratio = f"{a / d:.2f}x" if a and d else "-"
        lines.append(f"| {workload} | {human(a)} | {human(d)} | {ratio} |")
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("workloads", nargs="*", help="substrings of workload ids (all when none)")
    p.add_argument("--backends", default=",".join(BACKENDS))
    p.add_argument("--scale", choices=["full", "small"], default="full")
    p.add_argument("--quick", type=int, default=10, help="operations counted per quick workload")
    p.add_argument("--big", type=int, default=2, help="operations counted per big workload")
    p.add_argument("--out", default=os.path.join(ROOT, "benches", "instructions.md"),
                   help="Markdown file to write ('' for none)")
    p.add_argument("--binary", help="a built `instructions` binary (default: build it)")
    args = p.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    binary = args.binary or build([])
    commit = subprocess.run(["git", "-C", ROOT, "log", "-1", "--format=%h %s"],
                            stdout=subprocess.PIPE, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                           stdout=subprocess.PIPE, text=True).stdout.strip()
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    valgrind = subprocess.run(["valgrind", "--version"], stdout=subprocess.PIPE,
                              text=True).stdout.strip()
    shown, skip = [], False
    for a in sys.argv[1:]:
        if skip or a.startswith("--binary"):
            skip = a == "--binary"
            continue
        shown.append(a)
    command = " ".join(["python3 benches/instructions.py"] + shown)
    md = [
        "## Client instructions per operation",
        "",
        f"Measured {now} on `{commit}`" + (" (with uncommitted changes)" if dirty else "")
        + f", {valgrind}, {args.scale} datasets, {args.quick} operations per quick workload"
        f" and {args.big} per big one, after one uncounted warm-up. Counts are instructions of"
        " the client process per operation (setup and data loading not counted); ratio is"
        " aksara / twin (hand-written diesel-async).",
        "",
        f"Reproduce: `{command.strip()}` (needs valgrind; about 10 minutes for every backend)."
        " `cargo test -p aksara-benches --test instructions` checks that the harness runs.",
        '',
        "Reading the tables: from one run to the next the counts move by about 2% on one-statement workloads (wire reads, pool timing) and well under 1% on large ones, so larger changes are real. `cascade_delete` is far above 1 on the servers because aksara collects the rows to delete as Django does (reads the keys of every level, then deletes model by model) while the twin sends one DELETE and lets the database cascade; the server's work is not counted, SQLite's is. On PostgreSQL `m2m_add` is below 1: one `INSERT ... SELECT FROM UNNEST` with three array binds against diesel's multi-row VALUES with three binds per row.",
    ]
    for backend in args.backends.split(","):
        result = run_backend(binary, backend, args)
        print(f"\n{backend}")
        if isinstance(result, str):
            print(f"skipped: {result}")
            md += ["", f"### {TITLES.get(backend, backend)}", "", f"Skipped: {result}"]
            continue
        text = table(result)
        print(text)
        md += ["", f"### {TITLES.get(backend, backend)}", "", text]
        sys.stdout.flush()
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write("\n".join(md) + "\n")
        print(f"\nwrote {os.path.relpath(args.out, ROOT)}")


if __name__ == "__main__":
    main()
