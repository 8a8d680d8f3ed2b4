#!/usr/bin/env bash
# bench/web.sh — console and API latency on a large SQLite store, and record-API throughput under wrk.
#
#   bench/web.sh [RECORDS]     (default 1000000; the database is built once and kept in bench/out/)
#
# Prints p50/p95 over 40 requests each of the dashboard, a filtered record list page and a record page
# (signed in as the QA supervisor), and requests/s of GET /api/v1/records/{id} under a loopback load
# from wrk (2 threads, 16 connections, 10 s). Targets: p95 < 300 ms for dashboard and list; ≥ 2,000
# requests/s for the record API on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
out=bench/out
mkdir -p "$out"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
go build -o "$out/qloop" ./cmd/qloop
q="$out/qloop"
db="$out/web-$n.db"
if [ ! -s "$db" ]; then
	echo "building a store of $n records (once; kept as $db)…"
	"$q" demo --records "$n" --out "$out/web-$n.jsonl" >/dev/null
	"$q" import --inspect --db "$db" "$out/web-$n.jsonl" >/dev/null 2>&1 || [ $? -eq 3 ]
	rm -f "$out/web-$n.jsonl"
fi
"$q" user list --db "$db" | grep -q '^bench ' || echo "bench-password-1" | "$q" user add bench --role supervisor --name 基准 --password-stdin --db "$db" >/dev/null

port=18765
"$q" serve --db "$db" --addr "127.0.0.1:$port" >"$out/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -fs -o /dev/null "http://127.0.0.1:$port/login" && break; sleep 0.2; done
base="http://127.0.0.1:$port"
jar="$out/cookies.txt"
curl -fs -c "$jar" -o /dev/null -H "Origin: $base" --data "username=bench&password=bench-password-1" "$base/login"
cookie=$(awk '$6 == "qloop_session" {print $7}' "$jar")
[ -n "$cookie" ] || { echo "sign-in failed" >&2; exit 1; }

id=$(curl -fs -b "qloop_session=$cookie" "$base/api/v1/records?limit=1&channel=call" | sed -n 's/.*"ID":"\([^"]*\)".*/\1/p')
agent=$(curl -fs -b "qloop_session=$cookie" "$base/api/v1/records?limit=1" | sed -n 's/.*"AgentID":"\([^"]*\)".*/\1/p')

# pct URL → prints "p50 p95" in ms over 40 requests (after 3 warm-up requests)
pct() {
	for _ in 1 2 3; do curl -fs -o /dev/null -b "qloop_session=$cookie" "$1"; done
	for _ in $(seq 1 40); do curl -fs -o /dev/null -b "qloop_session=$cookie" -w '%{time_total}\n' "$1"; done |
		sort -n | awk '{v[NR]=$1} END {printf "%.0f %.0f\n", v[int(NR*0.5)]*1000, v[int(NR*0.95)]*1000}'
}
printf '\n%s records in SQLite; %s cores\n' "$n" "$(nproc)"
printf '%-44s %8s %8s\n' "page" "p50 ms" "p95 ms"
read -r a b < <(pct "$base/")
printf '%-44s %8s %8s\n' "dashboard /" "$a" "$b"
read -r a b < <(pct "$base/?from=2026-09-01&to=2026-09-30&channel=call")
printf '%-44s %8s %8s\n' "dashboard, one month of calls" "$a" "$b"
read -r a b < <(pct "$base/records?agent=$agent&score_max=80&channel=call")
printf '%-44s %8s %8s\n' "record list, agent + score + channel" "$a" "$b"
read -r a b < <(pct "$base/records?q=%E4%BF%A1%E7%94%A8%E5%8D%A1%E5%B9%B4%E8%B4%B9")
printf '%-44s %8s %8s\n' "record list, full-text 信用卡年费" "$a" "$b"
read -r a b < <(pct "$base/records/$id")
printf '%-44s %8s %8s\n' "record page" "$a" "$b"

echo
wrk -t2 -c16 -d10s -H "Cookie: qloop_session=$cookie" "$base/api/v1/records/$id" | tee "$out/wrk.txt" | sed -n '/Requests\/sec/p;/Latency/p'
