#!/usr/bin/env bash
# Peak memory (maximum resident set size, from /usr/bin/time) and wall time of reading every
# one of 1,000,000 posts with QuerySet::stream, beside all() and the hand-written diesel-async
# keyset loop, on PostgreSQL, MariaDB and SQLite. The whole process is measured: runtime,
# pool, connecting and decoding included.
#   cargo build --release -p aksara-benches --bin stream_memory && scripts/stream_benchmark.sh
# Options (environment): BACKENDS="postgres mysql sqlite", RUNS=3, POSTS=1000000,
# MODES="stream all diesel"; servers from AKSARA_PG_URL / AKSARA_MYSQL_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${CARGO_TARGET_DIR:-target}/release/stream_memory
BACKENDS=${BACKENDS:-postgres mysql sqlite}
RUNS=${RUNS:-3}
POSTS=${POSTS:-1000000}
MODES=${MODES:-stream all diesel}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

measure() {
  local backend=$1 mode=$2
  /usr/bin/time -f "%e %M" -o "$OUT/time" "$BIN" "$mode" "$backend" > "$OUT/out" 2> "$OUT/err" \
    || { cat "$OUT/err"; exit 1; }
  read -r seconds kib < "$OUT/time"
  local rows
  rows=$(sed -n 's/.* rows=\([0-9]*\).*/\1/p' "$OUT/out")
  [ "$rows" = "$POSTS" ] || { echo "$backend $mode read $rows rows, not $POSTS" >&2; exit 1; }
  printf '| %s | %s | %.2f s | %.1f MiB |\n' "$backend" "$mode" "$seconds" "$(echo "$kib / 1024" | bc -l)"
}

echo "| backend | how | time | peak memory (max RSS) |"
echo "|---|---|---:|---:|"
for backend in $BACKENDS; do
  "$BIN" prepare "$backend" "$POSTS" > /dev/null
  for mode in $MODES; do
    for _ in $(seq "$RUNS"); do
      measure "$backend" "$mode"
    done
  done
  "$BIN" drop "$backend" > /dev/null
done
