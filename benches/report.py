#!/usr/bin/env python3
"""Regenerates BENCHMARKS.md from criterion's output.

    python3 benches/report.py [--criterion target/criterion] [--out BENCHMARKS.md]

Reads, for each backend the benchmark binaries ran on, the run description they wrote
(`<criterion>/aksara-benches/<backend>.json`: machine, server version, dataset sizes, the
workloads with their descriptions) and every `<criterion>/<group>/<side>/new/estimates.json`
with its `benchmark.json` (ids `{backend}/{runtime}/{workload}/{aksara|diesel}`).
Only workloads listed in the run description are reported, so stale results of an older run
with other sizes are ignored. Times are criterion's median point estimates.
"""

import argparse
import datetime
import json
import os
import sys

BACKENDS = [("postgres", "PostgreSQL"), ("mysql", "MariaDB"), ("sqlite", "SQLite")]
RUNTIMES = [("current_thread", "current-thread runtime"), ("multi_thread", "multi-threaded runtime")]

# The floors of DESIGN.md ("Performance floors"), on the workload closest to each.
FLOORS = [
    ("get_by_pk", 1.10, "get by primary key: at most 1.10x"),
    ("select_related_comments", 1.15, "select_related over 10,000 rows: at most 1.15x"),
    ("m2m_prefetch", 1.25, "M2M prefetch for 10,000 posts (2 queries): at most 1.25x"),
]

# What dominates each cost (from the query shapes, the profiles taken with perf, and the
# ratios measured). Keys are workload ids, or prefixes of them ending in `_`.
DOMINATES = {
    "get_by_pk": "One round trip. aksara adds compiling the query tree, a pool checkout per "
    "statement, `LIMIT 21` and decoding through `Value`: a few microseconds.",
    "load_posts": "Decoding 10,000 rows: aksara decodes each cell into a `Value` and moves it "
    "into the struct through a `RowReader`; diesel decodes straight into the struct.",
    "select_related_comments": "Transfer and decoding of 10,000 joined rows of 13 columns, "
    "per cell through `Value` in aksara, plus an `Arc` per related row.",
    "prefetch_3_levels": "Three round trips and 11,100 rows; aksara also builds a hash key from "
    "a cloned, coerced `Value` per row to stitch children to parents.",
    "prefetch_3_levels_10x": "111,000 rows decoded and stitched; in aksara the stitching "
    "(`prefetch_one`) takes about a fifth of the CPU, on top of per-cell `Value` decoding.",
    "m2m_prefetch": "The 100,000-row junction join: transfer and per-row decoding; aksara "
    "decodes each distinct tag once but still reads, coerces and hashes every link row.",
    "filter_m2m": "The server's semi-join (`EXISTS` on both sides) and about 1,000 posts decoded.",
    "reverse_count": "One round trip; the rest is per-query overhead.",
    "n_plus_one": "One round trip per post. aksara checks a pooled connection out for every "
    "statement; diesel reuses the one it checked out.",
    "select_related_posts": "One round trip and 1,000 joined rows decoded.",
    "m2m_add_": "One INSERT on both sides and the server's unique and foreign key checks. aksara "
    "also checks and dedups the keys (a hash set) and binds `Value`s; on PostgreSQL it sends "
    "three arrays to `UNNEST` where diesel binds three parameters per row.",
    "m2m_set_": "A transaction: DELETE of the links not kept, then the INSERT that skips existing "
    "pairs; aksara's `NOT IN` is padded 512-key chunks on MariaDB/SQLite.",
    "cascade_delete": "The twin sends one DELETE and the database cascades; aksara reads the keys level by level (one read per model, to apply on_delete as Django does), then deletes model by model, in one transaction.",
    "insert_1": "Round trips: one INSERT ... RETURNING on PostgreSQL and SQLite; on MariaDB an "
    "INSERT and SELECT LAST_INSERT_ID() on the same connection, on both sides.",
    "insert_": "One round trip per row in one transaction (two on MariaDB: INSERT, then "
    "LAST_INSERT_ID()); `bulk_insert_` below does the same work in one statement.",
    "bulk_insert_": "One multi-row INSERT and its keys read back (RETURNING; on MariaDB "
    "LAST_INSERT_ID() and the key step). aksara checks every record and binds `Value`s; on "
    "MariaDB it also reads the auto-increment settings inside a transaction (BEGIN, COMMIT).",
}


# The round trips aksara makes per workload (from the SQL it logs: set AKSARA_BENCH_SHOW_SQL=1
# to print it during a run). Same key rules as DOMINATES.
ROUND_TRIPS = {
    "prefetch_3_levels": "3",
    "prefetch_3_levels_10x": "3",
    "m2m_prefetch": "2",
    "n_plus_one": "1 + one per post",
    "m2m_set_": "4 (BEGIN, DELETE, INSERT, COMMIT)",
    "insert_1": "1; 2 on MariaDB (INSERT, LAST_INSERT_ID())",
    "insert_": "n + 2 (BEGIN, n INSERTs, COMMIT); 2n + 2 on MariaDB",
    "bulk_insert_": "1; 5 on MariaDB (BEGIN, settings, INSERT, LAST_INSERT_ID(), COMMIT)",
}


def lookup(table, workload, default=""):
    if workload in table:
        return table[workload]
    for key, text in table.items():
        if key.endswith("_") and workload.startswith(key):
            return text
    return default


def dominates(workload):
    if workload in DOMINATES:
        return DOMINATES[workload]
    for key, text in DOMINATES.items():
        if key.endswith("_") and workload.startswith(key):
            return text
    return ""


def fmt_time(ns):
    if ns is None:
        return "-"
    if ns < 1_000:
        return f"{ns:.0f} ns"
    if ns < 1_000_000:
        return f"{ns / 1_000:.1f} µs"
    if ns < 1_000_000_000:
        return f"{ns / 1_000_000:.2f} ms"
    return f"{ns / 1_000_000_000:.2f} s"


def fmt_ratio(a, d):
    if a is None or d is None or d == 0:
        return "-"
    return f"{a / d:.2f}x"


def load_results(criterion, baselines):
    """{(group_id, function_id): median ns}, the smallest median over `baselines` (criterion's
    directories under each benchmark: `new` is the latest run, `--save-baseline NAME` runs are
    kept as `NAME`)."""
    out = {}
    for root, dirs, files in os.walk(criterion):
        if os.path.basename(root) not in baselines or "estimates.json" not in files:
            continue
        try:
            with open(os.path.join(root, "benchmark.json")) as f:
                bench = json.load(f)
            with open(os.path.join(root, "estimates.json")) as f:
                est = json.load(f)
        except (OSError, ValueError):
            continue
        key = (bench["group_id"], bench["function_id"])
        median = est["median"]["point_estimate"]
        out[key] = min(median, out.get(key, median))
    return out


def load_runs(criterion):
    runs = {}
    for name, _ in BACKENDS:
        path = os.path.join(criterion, "aksara-benches", f"{name}.json")
        if os.path.exists(path):
            with open(path) as f:
                runs[name] = json.load(f)
    return runs


def git_state(repo):
    try:
        import subprocess

        head = subprocess.run(
            ["git", "-C", repo, "log", "-1", "--format=%h %s"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        return head
    except Exception:  # noqa: BLE001 - git is optional here
        return ""



def ratio_of(results, group):
    a, d = results.get((group, "aksara")), results.get((group, "diesel"))
    if a is None or d is None or d == 0:
        return None
    return a / d


def findings(results, runs, columns):
    """The diagnosis: prose from profiling, figures from this run's results."""
    out = []
    w = out.append

    def r(b, rt, wl):
        x = ratio_of(results, f"{b}/{rt}/{wl}")
        return "-" if x is None else f"{x:.2f}x"

    def diff(b, rt, wl):
        a = results.get((f"{b}/{rt}/{wl}", "aksara"))
        d = results.get((f"{b}/{rt}/{wl}", "diesel"))
        return "-" if a is None or d is None else fmt_time(a - d)

    backends = [b for b, _ in BACKENDS if b in runs]
    label = dict(BACKENDS)
    ct = "current_thread"
    adds = [wl["id"] for wl in next(iter(runs.values()))["workloads"] if wl["id"].startswith("m2m_add_")]
    big_add = adds[-1] if adds else "m2m_add_10000"

    w("## Where the time goes (diagnosis, not fixed here)")
    w("")
    w("Profiles were taken with `perf record` on the benchmark binaries in criterion's")
    w("`--profile-time` mode (release build, flat profiles by symbol), on PostgreSQL.")
    w("")
    w("1. **Row decoding goes through `Value`.** For `load_posts` the aksara profile shows")
    w("   `QueryableByName::build_from_row` into a `Vec<Value>` (about 11% of the samples), the OID")
    w("   dispatch in `aksara_pg::decode::decode` (5%), `FieldKind::coerce` on every cell (6%),")
    w("   `String::from_value`, the model's `from_row` and the `Vec` collects (about 6% together),")
    w("   plus malloc/free and `memmove` of 40-byte `Value`s; diesel's profile has none of these,")
    w("   only the wire protocol, UTF-8 checks and the struct. This per-cell cost is what shows in")
    w("   the large loads: `load_posts` "
      + ", ".join(f"{label[b]} {r(b, ct, 'load_posts')}" for b in backends)
      + "; `select_related_comments` "
      + ", ".join(f"{label[b]} {r(b, ct, 'select_related_comments')}" for b in backends)
      + "; `m2m_prefetch` "
      + ", ".join(f"{label[b]} {r(b, ct, 'm2m_prefetch')}" for b in backends)
      + " (current-thread).")
    w("2. **Prefetch stitching.** In `prefetch_3_levels_10x` about 8% of aksara's samples are in")
    w("   `prefetch::prefetch_one` itself (inlined: per fetched row the link key read back with")
    w("   `value_at` and hashed into the grouping map, an `Arc` per row, and per parent a typed")
    w("   list built from its group and kept in the `Related` store), and another tenth in")
    w("   malloc/free. The dedupe by primary key now runs only for many-to-many rows, the one case")
    w("   where a row can arrive twice, and parents take their groups without a copy.")
    w("   The hand-written side groups plain `i64` keys of already-typed structs. Ratios: "
      + ", ".join(f"{label[b]} {r(b, ct, 'prefetch_3_levels_10x')}" for b in backends) + ".")
    w("3. **Per-statement overhead.** aksara's `Db` checks a connection out of the pool for every")
    w("   statement, boxes it and its futures, and compiles the query tree each time; `get_by_pk`")
    w("   costs "
      + ", ".join(f"{label[b]} {diff(b, ct, 'get_by_pk')}" for b in backends)
      + " more than diesel (current-thread). On SQLite both sides hop to tokio's blocking pool")
    w("   for every statement and thread wake-ups (`futex`, `try_to_wake_up`) outweigh SQLite's own")
    w("   work in both profiles; aksara also parses text timestamps by trying formats in turn.")
    w("4. **Row-by-row inserts.** Inserting many rows with `create()` is one round trip per row")
    w("   (two on MariaDB, which has no `RETURNING`); `bulk_create()` is one multi-row INSERT,")
    w("   compared with diesel's insert of a `Vec` in the `bulk_insert_` rows.")
    w("")
    faster = []
    add_small = adds[0] if adds else "m2m_add_1000"
    x = ratio_of(results, f"postgres/{ct}/{add_small}")
    if x is not None and x < 1:
        faster.append(
            f"- PostgreSQL `{add_small}` ({x:.2f}x): one `INSERT ... SELECT FROM UNNEST($1, $2, $3)`, "
            "three array binds and one cached statement, against diesel's multi-row VALUES with "
            "three binds per row."
        )
    xp = ratio_of(results, f"sqlite/{ct}/m2m_prefetch")
    if xp is not None and xp < 1:
        faster.append(
            f"- SQLite `m2m_prefetch` ({xp:.2f}x): the time is inside SQLite. The hand-written "
            "`eq_any` sends one `IN` list of 10,000 keys, whose plan spends its time in b-tree seeks "
            "and compares (`sqlite3BtreeIndexMoveto`, `vdbeRecordCompareInt` in the profile); "
            "aksara's padded 512-key chunks do better."
        )
    xf = ratio_of(results, f"sqlite/{ct}/filter_m2m")
    if xf is not None and xf < 1:
        faster.append(
            f"- SQLite `filter_m2m` ({xf:.2f}x): diesel's `exists()` keeps the subquery's whole "
            "select list, so SQLite reads the junction rows instead of answering from the covering "
            "unique index (`EXPLAIN QUERY PLAN`: `USING INDEX` against aksara's `USING COVERING INDEX`)."
        )
    writes = [(wl, ratio_of(results, f"mysql/{ct}/{wl}")) for wl in adds + [f"m2m_set_{x}" for x in
              [w_["id"].split("_")[-1] for w_ in next(iter(runs.values()))["workloads"]
               if w_["id"].startswith("m2m_set_")]]]
    writes = [(wl, x) for wl, x in writes if x is not None and x < 1]
    if writes:
        faster.append(
            "- MariaDB M2M writes ("
            + ", ".join(f"`{wl}` {x:.2f}x" for wl, x in writes)
            + "): the same INSERT ... ON DUPLICATE KEY UPDATE on both sides; not profiled. A likely "
            "cause is that diesel does not cache the prepared statement of a multi-row insert, so "
            "each call prepares, executes and closes it, where aksara's statement text is cached."
        )
    cascade = [(label[b], ratio_of(results, f"{b}/{ct}/cascade_delete")) for b in backends]
    cascade = [(l, x) for l, x in cascade if x is not None]
    if cascade:
        faster.append(
            "- `cascade_delete` is dominated by the database's work on both sides (aksara also reads the keys level by level first): "
            + ", ".join(f"{l} {x:.2f}x" for l, x in cascade) + "."
        )
    if faster:
        w("**Where aksara is level or faster** (current-thread):")
        out.extend(faster)
        w("")
    w("**N+1 beside select_related** (aksara, current-thread): the lazy loop over the posts costs")
    parts = []
    for b in backends:
        lazy = results.get((f"{b}/{ct}/n_plus_one", "aksara"))
        join = results.get((f"{b}/{ct}/select_related_posts", "aksara"))
        if lazy and join:
            parts.append(f"{label[b]} {lazy / join:.0f}x")
    w("the one-query join " + ", ".join(parts) + " as much.")
    w("")
    w("**Runtimes.** The multi-threaded runtime's time divided by the current-thread runtime's,")
    w("median over all workloads of the hand-written side: ")
    parts = []
    for b in backends:
        xs = []
        for wl in runs[b]["workloads"]:
            c1 = results.get((f"{b}/current_thread/{wl['id']}", "diesel"))
            m1 = results.get((f"{b}/multi_thread/{wl['id']}", "diesel"))
            if c1 and m1:
                xs.append(m1 / c1)
        if xs:
            xs.sort()
            parts.append(f"{label[b]} {xs[len(xs) // 2]:.2f}")
    out[-1] += ", ".join(parts) + " (above 1: the multi-threaded runtime is slower on this 2-core machine)."
    return out


def explorer_section(results, criterion):
    """The explorer's benchmark (`cargo bench -p aksara-tui --bench explorer`), when it ran."""
    out = []
    groups = [(b, f"explorer/{b}") for b in ("postgresql", "sqlite")]
    groups = [(b, g) for b, g in groups if any(k[0] == g for k in results)]
    if not groups:
        return out
    out.append("## Explorer (aksara-tui), a table of 1,000,000 rows")
    out.append("")
    out.append("Run with `cargo bench -p aksara-tui --bench explorer`. Pages are 200 rows, read by keyset; the")
    out.append("hand-written rows run the same SQL without the explorer around it.")
    out.append("")
    out.append("| what | " + " | ".join(b for b, _ in groups) + " |")
    out.append("|---|" + "---:|" * len(groups))
    functions = []
    for _, g in groups:
        for (group, function) in sorted(results):
            if group == g and function not in functions:
                functions.append(function)
    for function in functions:
        cells = [fmt_time(results.get((g, function))) for _, g in groups]
        out.append(f"| {function} | " + " | ".join(cells) + " |")
    out.append("")
    for b, _ in groups:
        path = os.path.join(criterion, "aksara-tui", f"explorer-{b}.json")
        try:
            with open(path) as f:
                s = json.load(f)
        except (OSError, ValueError):
            continue
        out.append(
            f"- {b}: paging down through {s['scrolled_rows']:,} rows took {s['ms_per_page']:.1f} ms "
            f"per page; the live heap stayed between {s['heap_min_mib']:.1f} and "
            f"{s['heap_max_mib']:.1f} MiB ({s['samples']} samples)."
        )
    out.append("")
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--criterion", default=os.path.join(repo, "target", "criterion"))
    parser.add_argument("--out", default=os.path.join(repo, "BENCHMARKS.md"))
    parser.add_argument(
        "--baselines",
        default="new",
        help="comma-separated criterion baselines to combine (the smallest median of each "
        "benchmark is reported), e.g. pass1,pass2 after runs with --save-baseline pass1 / pass2",
    )
    args = parser.parse_args()
    baselines = [b for b in args.baselines.split(",") if b]

    results = load_results(args.criterion, set(baselines))
    runs = load_runs(args.criterion)
    if not runs:
        sys.exit(f"no run descriptions under {args.criterion}/aksara-benches: run `cargo bench -p aksara-benches` first")

    lines = []
    w = lines.append
    w("# Benchmarks")
    w("")
    w("Aksara beside hand-written diesel-async doing the same work, in the same run, on the same")
    w("data. Generated by `python3 benches/report.py` from criterion's output "
      "(`target/criterion/**/<baseline>/estimates.json`); do not edit by hand.")
    w("")
    if baselines == ["new"]:
        w("Times are criterion's median of the latest run.")
    else:
        w(f"Times are the smallest of criterion's medians over the runs saved as baselines "
          f"{', '.join('`' + b + '`' for b in baselines)} (a benchmark missing from one of them, "
          "after an interrupted run, takes the others): on a shared machine interference only "
          "ever adds time, so the smallest median is the best estimate of each side's own cost.")
    w("")
    w("## How to run")
    w("")
    w("```sh")
    w("cargo bench -p aksara-benches                       # every backend (about 20 minutes)")
    w("cargo bench -p aksara-benches --bench postgres      # one backend: postgres, mysql, sqlite")
    w("cargo bench -p aksara-benches -- multi_thread/n_plus_one   # a criterion filter")
    w("python3 benches/report.py                           # regenerate this file (latest run)")
    w("python3 benches/report.py --baselines pass1,pass2   # from runs saved with --save-baseline")
    w("python3 benches/instructions.py                     # client instructions per operation (valgrind)")
    w("cargo test -p aksara-benches --benches              # CI: every benchmark once, small data")
    w("```")
    w("")
    w("Servers: `AKSARA_PG_URL` (default `postgres://postgres@127.0.0.1:5432/test`) and")
    w("`AKSARA_MYSQL_URL` (default `mysql://root@127.0.0.1:3306/test`). A backend whose server is")
    w("unreachable is skipped with a message (a failure with `CI=true`). `AKSARA_BENCH_SCALE=full|small`")
    w("overrides the dataset size (full under `cargo bench`, small under `cargo test`).")
    w("Measurement defaults: 1 s warm-up, 3 s measurement, 20 samples (10, flat sampling, for")
    w("workloads of thousands of rows); criterion's `--warm-up-time`, `--measurement-time` and")
    w("`--sample-size` override them.")
    w("")

    # Machine and run.
    any_run = next(iter(runs.values()))
    w("## The machine and the run")
    w("")
    w(f"- CPU: {any_run.get('cpu_model') or 'unknown'}, {any_run.get('cpus')} cores (`nproc`); "
      f"memory {any_run.get('memory_gib')} GiB.")
    for name, label in BACKENDS:
        run = runs.get(name)
        if not run:
            w(f"- {label}: not run.")
            continue
        finished = datetime.datetime.fromtimestamp(run.get("finished_unix", 0), datetime.timezone.utc)
        w(f"- {label}: {run.get('server')}; datasets at {run.get('scale')} scale; "
          f"load average (`/proc/loadavg`) {run.get('load_average_at_start')} when it started and "
          f"{run.get('load_average_at_end', '?')} when it finished at {finished:%Y-%m-%d %H:%M} UTC.")
    sources = sorted({(r.get("source"), r.get("source_changed_files", 0)) for r in runs.values() if r.get("source")})
    if not sources:
        head = git_state(repo)
        if head:
            sources = [(head, None)]
    for head, changed in sources:
        dirty = "" if not changed else f", with {changed} tracked files changed in the working tree"
        w(f"- Source measured: commit `{head}`{dirty}.")
    notes = sorted({r.get("note") for r in runs.values() if r.get("note")})
    for note in notes:
        w(f"- **Note:** {note}")
    w("")
    w("Connections: both sides are pooled by deadpool with the same settings (10 connections,")
    w("fast recycling, the same per-connection setup statements on MariaDB and SQLite). aksara's")
    w("`Db` checks a connection out for each statement; the hand-written side checks one out per")
    w("iteration and runs all of that iteration's queries on it. SQLite runs on a database file")
    w("(WAL, `synchronous = NORMAL`) in a temporary directory; every SQLite statement goes through")
    w("tokio's blocking pool (`SyncConnectionWrapper`) on both sides.")
    w("")
    w("Keys are `i64` (database-assigned) on users, posts, comments and tags; the junction")
    w("`post_tags` has aksara's UUID v7 key (made on the client). Both sides decode the same")
    w("columns into comparable structs, and in every run each read workload runs once on each")
    w("side first and must return the same number of rows (writes: the same links).")
    w("")

    # Workloads.
    w("## Workloads")
    w("")
    w("| workload | what | aksara round trips |")
    w("|---|---|---|")
    for wl in any_run["workloads"]:
        w(f"| `{wl['id']}` | {wl['description']} | {lookup(ROUND_TRIPS, wl['id'], '1')} |")
    w("")

    # Ratio overview.
    w("## Ratios at a glance (aksara time / hand-written time; below 1 means aksara is faster)")
    w("")
    columns = [(b, bl, r, rl) for b, bl in BACKENDS if b in runs for r, rl in RUNTIMES]
    header = "| workload | " + " | ".join(f"{bl} {r.split('_')[0]}" for b, bl, r, rl in columns) + " |"
    w(header)
    w("|---|" + "---|" * len(columns))
    for wl in any_run["workloads"]:
        cells = []
        for b, bl, r, rl in columns:
            group = f"{b}/{r}/{wl['id']}"
            cells.append(fmt_ratio(results.get((group, "aksara")), results.get((group, "diesel"))))
        w(f"| `{wl['id']}` | " + " | ".join(cells) + " |")
    w("")

    # Floors.
    w("## The performance floors of DESIGN.md")
    w("")
    w("| floor | " + " | ".join(f"{bl} {r.split('_')[0]}" for b, bl, r, rl in columns) + " |")
    w("|---|" + "---|" * len(columns))
    for workload, limit, text in FLOORS:
        cells = []
        for b, bl, r, rl in columns:
            group = f"{b}/{r}/{workload}"
            a, d = results.get((group, "aksara")), results.get((group, "diesel"))
            if a is None or d is None:
                cells.append("-")
            else:
                ratio = a / d
                cells.append(f"{ratio:.2f}x {'ok' if ratio <= limit else '**over**'}")
        w(f"| {text} (`{workload}`) | " + " | ".join(cells) + " |")
    w("")
    w("The floors are stated for PostgreSQL and MariaDB; SQLite is shown for comparison. The")
    w("structural floors for an M2M add of 1,000 (one round trip) and the M2M prefetch (two")
    w("queries) hold by construction. A cascade delete is one statement only for a model that no")
    w("CASCADE, PROTECT or RESTRICT relation points at; otherwise the rows are first collected level")
    w('by level, as Django does (README, "on_delete"), which is this floor\'s one departure.')
    w("")

    # Per backend and runtime.
    for b, bl in BACKENDS:
        run = runs.get(b)
        if not run:
            continue
        for r, rl in RUNTIMES:
            w(f"## {bl}, {rl}")
            w("")
            w("| workload | aksara | diesel-async | ratio | what dominates |")
            w("|---|---:|---:|---:|---|")
            for wl in run["workloads"]:
                group = f"{b}/{r}/{wl['id']}"
                a = results.get((group, "aksara"))
                d = results.get((group, "diesel"))
                note = dominates(wl["id"])
                w(f"| `{wl['id']}` | {fmt_time(a)} | {fmt_time(d)} | {fmt_ratio(a, d)} | {note} |")
            w("")

    # The explorer's benchmark is run on its own, usually without a saved baseline.
    explorer_results = load_results(args.criterion, set(baselines) | {"new"})
    lines.extend(explorer_section(explorer_results, args.criterion))
    # The migration benchmark (aksara-cli's aksara-bench-migrate) writes its own section.
    migrate_md = os.path.join(repo, "benches", "migrate.md")
    if os.path.exists(migrate_md):
        with open(migrate_md) as f:
            lines.extend(f.read().rstrip().split("\n"))
        lines.append("")
    # The read-replica benchmark (`--bin replicas`) writes its own section too.
    replicas_md = os.path.join(repo, "benches", "replicas.md")
    if os.path.exists(replicas_md):
        with open(replicas_md) as f:
            lines.extend(f.read().rstrip().split("\n"))
        lines.append("")
    # The instruction counts (`benches/instructions.py`) write their own section too.
    instructions_md = os.path.join(repo, "benches", "instructions.md")
    if os.path.exists(instructions_md):
        with open(instructions_md) as f:
            lines.extend(f.read().rstrip().split("\n"))
        lines.append("")
    lines.extend(findings(results, runs, columns))
    text = "\n".join(lines).rstrip() + "\n"
    with open(args.out, "w") as f:
        f.write(text)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
