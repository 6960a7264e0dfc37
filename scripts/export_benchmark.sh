#!/usr/bin/env bash
# The explorer's export of a 1,000,000-row table to CSV and JSON: wall time and peak memory
# (maximum resident set size) of `aksara-tui URL --export big_export`, on PostgreSQL and
# SQLite. Makes the table first (PostgreSQL schema `export_bench`, SQLite file in /tmp).
#   cargo build --release -p aksara-tui && scripts/export_benchmark.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${CARGO_TARGET_DIR:-target}/release/aksara-tui
PG=${AKSARA_PG_URL:-postgres://postgres@127.0.0.1/test}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

psql -q "$PG" <<'SQL'
DROP SCHEMA IF EXISTS export_bench CASCADE;
CREATE SCHEMA export_bench;
CREATE TABLE export_bench.big_export (id BIGINT PRIMARY KEY, name TEXT NOT NULL,
  amount DOUBLE PRECISION, created TIMESTAMPTZ NOT NULL, note VARCHAR(40));
INSERT INTO export_bench.big_export
  SELECT g, 'customer ' || g, g * 1.25, TIMESTAMPTZ '2024-01-01' + g * INTERVAL '1 second',
         CASE WHEN g % 3 = 0 THEN NULL ELSE 'note, "' || g || '"' END
  FROM generate_series(1, 1000000) g;
ANALYZE export_bench.big_export;
SQL
SQLITE_FILE=/tmp/export_bench.db
rm -f "$SQLITE_FILE"
sqlite3 "$SQLITE_FILE" <<'SQL'
CREATE TABLE big_export (id INTEGER PRIMARY KEY, name TEXT NOT NULL, amount REAL,
  created TEXT NOT NULL, note VARCHAR(40));
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 1000000)
INSERT INTO big_export SELECT n, 'customer ' || n, n * 1.25,
  strftime('%Y-%m-%d %H:%M:%f', '2024-01-01', '+' || n || ' seconds'),
  CASE WHEN n % 3 = 0 THEN NULL ELSE 'note, "' || n || '"' END FROM g;
SQL

measure() {
  local label=$1 url=$2 file=$3
  /usr/bin/time -f "%e %M" -o "$OUT/time" "$BIN" "$url" --export big_export --output "$OUT/$file" 2> "$OUT/err" \
    || { cat "$OUT/err"; exit 1; }
  read -r seconds kib < "$OUT/time"
  local bytes
  bytes=$(stat -c %s "$OUT/$file")
  printf '| %s | %s | %.2f s | %.1f MiB | %.1f MiB |\n' "$label" "$file" "$seconds" "$(echo "$kib / 1024" | bc -l)" "$(echo "$bytes / 1048576" | bc -l)"
  rm -f "$OUT/$file"
}

echo "| backend | file | time | peak memory (max RSS) | file size |"
echo "|---|---|---:|---:|---:|"
for run in 1 2 3; do
  measure postgresql "$PG?options=-csearch_path%3Dexport_bench" big.csv
  measure postgresql "$PG?options=-csearch_path%3Dexport_bench" big.json
  measure sqlite "sqlite://$SQLITE_FILE" big.csv
  measure sqlite "sqlite://$SQLITE_FILE" big.json
done
