#!/usr/bin/env bash
# Profiles chat-server's hot path once, during the fan-out scenario (issue #8):
#
#   bash bench/profile.sh [RATE msgs/s, default 250] [SECONDS, default 20] [sync FULL|NORMAL, default FULL]
#
# Starts chat-server pinned to core 0, joins 1000 load-generator clients into 10 rooms (core 1), warms up,
# then holds RATE messages/s (x100 deliveries) for SECONDS while JFR records with settings=profile and
# /proc/<pid>/task/*/stat gives the exact CPU time per thread (user and system). Writes
# bench/results/profile-<UTC time>/{profile.md, fanout.jfr (git-ignored), loadgen.json}. Bounded: 5 minutes.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
JAR="$ROOT/chat-server.jar"
RATE="${1:-250}"
SECS="${2:-20}"
SYNC="${3:-FULL}"
OUT="$HERE/results/profile-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
TMP=$(mktemp -d /tmp/chat-profile.XXXXXX)
PORT=5390
[ -d "$HERE/node_modules/socket.io-client" ] || (cd "$HERE" && npm ci --no-audit --no-fund >/dev/null)
[ -f "$JAR" ] || (cd "$ROOT" && npm ci --no-audit --no-fund >/dev/null && mvn -q -DskipTests package)

(cd "$TMP" && exec env PORT=$PORT CHAT_DB="$TMP/bench.sqlite3" CHAT_UPLOADS="$TMP/uploads" \
  taskset -c 0 java -Dchat.host=127.0.0.1 -Dchat.sqliteSynchronous="$SYNC" -jar "$JAR" >"$TMP/server.log" 2>&1) &
PID=$!
trap 'kill -TERM $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$TMP"' EXIT
for _ in $(seq 300); do curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done

T="node $HERE/lib/threads.js"
timeout 300 taskset -c 1 node "$HERE/loadgen/loadgen.js" --scenario fanout --port $PORT --pid $PID --peer chat \
  --rates "$RATE" --step "$SECS" --warmup 8 --drain 3 --out "$OUT/loadgen.json" \
  --exec-at-measure "$T snapshot $PID > $TMP/t0.json; jcmd $PID JFR.start name=bench settings=profile filename=$OUT/fanout.jfr >/dev/null" \
  --exec-after-measure "jcmd $PID JFR.stop name=bench >/dev/null; $T snapshot $PID > $TMP/t1.json"

{
  echo "# chat-server profile: fan-out at $RATE msgs/s for $SECS s (sqliteSynchronous=$SYNC)"
  echo
  echo "1000 clients in 10 rooms, 50 senders, $RATE msgs/s = $((RATE * 100)) deliveries/s offered; server pinned to one core."
  echo
  node -e '
    const r = require(process.argv[1]).result.steps[0];
    console.log(`Measured: ${r.msgs_per_s} msgs/s, ${r.deliveries_per_s} deliveries/s, p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms, `
      + `server CPU ${r.server_cpu_pct} %, ${(r.server_cpu_pct * 1e4 / r.deliveries_per_s).toFixed(1)} µs CPU per delivery, `
      + `lost ${r.lost}, load generator CPU ${r.loadgen_cpu_pct} %, other users ${r.foreign_cpu_pct} %.`);' "$OUT/loadgen.json"
  echo
  echo "## CPU time per thread (from /proc, exact)"
  echo
  $T diff "$TMP/t0.json" "$TMP/t1.json"
  echo
  echo "## JFR samples (settings=profile)"
  jfr print --json --events jdk.ExecutionSample,jdk.NativeMethodSample "$OUT/fanout.jfr" | node "$HERE/lib/jfr-top.js"
  echo
  echo "## GC"
  echo
  jfr summary "$OUT/fanout.jfr" | grep -E "GarbageCollection|GCPhasePause |ObjectAllocationSample" || true
  jfr print --events jdk.GarbageCollection "$OUT/fanout.jfr" | awk '/sumOfPauses/ {gsub(/[^0-9.]/,"",$3); s+=$3; n++} END {printf "\n%d collections, %.1f ms of pauses in total\n", n, s}'
} >"$OUT/profile.md"
echo "$OUT/profile.md"
