#!/usr/bin/env bash
# bench/inspect.sh — inspection throughput against ripgrep as the reference, side by side.
#
#   bench/inspect.sh [RECORDS]      (default 200000; QLOOP_BENCH_POSTGRES_DSN=postgres://… adds PostgreSQL)
#
# Measures in one run on the same generated file:
#   (a) qloop inspect --file (parse + every check of the default scorecards, no storage): records/s, MB/s, peak RSS
#   (b) qloop import --inspect into SQLite (and PostgreSQL): records/s, peak RSS
#   (c) ripgrep over the same file with every phrase of the default scorecards, as the reference:
#       `rg -c -F -f PHRASES` (the target's reference) and `rg -o -F -f PHRASES` (every occurrence, as qloop finds them)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-200000}"
out=bench/out
mkdir -p "$out"
command -v rg >/dev/null || { echo "ripgrep is needed: apt-get install ripgrep" >&2; exit 1; }

go build -o "$out/qloop" ./cmd/qloop
q="$out/qloop"
data="$out/demo-$n.jsonl"
[ -s "$data" ] || "$q" demo --records "$n" --out "$data" >/dev/null
"$q" scorecard phrases > "$out/phrases.txt"
mb=$(awk -v b="$(stat -c %s "$data")" 'BEGIN{printf "%.1f", b/1e6}')
echo "input: $n records, $mb MB, $(wc -l < "$out/phrases.txt") phrases; $(nproc) cores"

# timed CMD... → sets secs and rss_mb (peak resident set of the process)
timed() {
	/usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" >/dev/null 2>"$out/stderr.txt" || {
		local rc=$?
		# exit 3 = some input rejected; anything else is a failure
		[ $rc -eq 3 ] || { cat "$out/stderr.txt" >&2; exit $rc; }
	}
	read -r secs kb < "$out/time.txt"
	rss_mb=$(awk -v k="$kb" 'BEGIN{printf "%.0f", k/1024}')
}
rate() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f", a/b}'; }

timed "$q" inspect --file "$data" --json
a_secs=$secs; a_rss=$rss_mb
a_rps=$(rate "$n" "$a_secs"); a_mbs=$(rate "$mb" "$a_secs")

timed rg -c -F -f "$out/phrases.txt" "$data"
c_secs=$secs; c_mbs=$(rate "$mb" "$c_secs")
timed rg -o -F -f "$out/phrases.txt" "$data"
o_secs=$secs; o_mbs=$(rate "$mb" "$o_secs")

rm -f "$out/bench.db" "$out/bench.db-wal" "$out/bench.db-shm"
timed "$q" import --inspect --db "$out/bench.db" "$data"
b_secs=$secs; b_rss=$rss_mb; b_rps=$(rate "$n" "$b_secs")

printf '\n%-52s %10s %10s %10s %8s\n' "run" "seconds" "records/s" "MB/s" "RSS MB"
printf '%-52s %10s %10s %10s %8s\n' "(a) qloop inspect --file (no storage)" "$a_secs" "$a_rps" "$a_mbs" "$a_rss"
printf '%-52s %10s %10s %10s %8s\n' "(b) qloop import --inspect → SQLite" "$b_secs" "$b_rps" "$(rate "$mb" "$b_secs")" "$b_rss"
if [ -n "${QLOOP_BENCH_POSTGRES_DSN:-}" ]; then
	timed "$q" import --inspect --db "$QLOOP_BENCH_POSTGRES_DSN" "$data"
	printf '%-52s %10s %10s %10s %8s\n' "(b) qloop import --inspect → PostgreSQL" "$secs" "$(rate "$n" "$secs")" "$(rate "$mb" "$secs")" "$rss_mb"
fi
printf '%-52s %10s %10s %10s %8s\n' "(c) rg -c -F -f PHRASES (reference)" "$c_secs" "-" "$c_mbs" "-"
printf '%-52s %10s %10s %10s %8s\n' "    rg -o -F -f PHRASES (every occurrence)" "$o_secs" "-" "$o_mbs" "-"
echo
echo "ratio (a)/(c) MB/s: $(awk -v a="$a_mbs" -v c="$c_mbs" 'BEGIN{printf "%.3f", a/c}')  (target ≥ 0.333)"
echo "ratio (a)/rg -o MB/s: $(awk -v a="$a_mbs" -v c="$o_mbs" 'BEGIN{printf "%.3f", a/c}')"
echo "(b) SQLite records/s: $b_rps (target ≥ 20000); peak RSS (a) $a_rss MB, (b) $b_rss MB (target < 256)"
