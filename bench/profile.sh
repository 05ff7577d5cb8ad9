#!/usr/bin/env bash
# Profiles chat-server's hot path once (issue #8), during the fan-out or the durable scenario:
#
#   bash bench/profile.sh [fanout|durable, default fanout] [RATE msgs/s for fanout, default 250] [SECONDS, default 20] [FULL|NORMAL]
#
# Starts chat-server pinned to core 0 and the load generator on core 1: fanout = 1000 clients in 10 rooms,
# RATE messages/s (x100 deliveries); durable = 50 senders in 10 rooms, 8 messages in flight each. After a 20 s
# warm-up (so that the JIT has mostly finished compiling the hot path) it measures SECONDS while JFR records with
# settings=profile and /proc/<pid>/task/*/stat gives the exact CPU time per thread (user and system). JFR is
# started with the JVM (a short rolling recording), so that starting the measured recording costs little.
# Writes bench/results/profile-<scenario>-<UTC time>/{profile.md, loadgen.json, <scenario>.jfr (git-ignored)}.
# Bounded: 5 minutes.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
JAR="${BENCH_JAR:-$ROOT/chat-server.jar}"  # BENCH_JAR: another build (A/B runs)
# chat-server's abuse limits (30 messages per user per minute, 50 sockets per IP) would refuse the load itself
LIMITS=(-Dchat.messagesPerMinute=1000000 -Dchat.connectionsPerIp=1000000)
SCEN="${1:-fanout}"
RATE="${2:-250}"
SECS="${3:-20}"
SYNC="${4:-FULL}"
OUT="$HERE/results/profile-$SCEN-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
TMP=$(mktemp -d /tmp/chat-profile.XXXXXX)
PORT=5390
if [ -z "${BENCH_NICE:-}" ]; then BENCH_NICE=0; [ "$(id -u)" = 0 ] && BENCH_NICE=-10; fi
[ -d "$HERE/node_modules/socket.io-client" ] || (cd "$HERE" && npm ci --no-audit --no-fund >/dev/null)
[ -f "$JAR" ] || (cd "$ROOT" && npm ci --no-audit --no-fund >/dev/null && mvn -q -DskipTests package)

(cd "$TMP" && exec env PORT=$PORT CHAT_DB="$TMP/bench.sqlite3" CHAT_UPLOADS="$TMP/uploads" \
  nice -n "$BENCH_NICE" taskset -c 0 java -XX:StartFlightRecording=name=boot,settings=default,maxage=5s -Dchat.host=127.0.0.1 -Dchat.sqliteSynchronous="$SYNC" "${LIMITS[@]}" -jar "$JAR" >"$TMP/server.log" 2>&1) &
PID=$!
trap 'kill -TERM $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$TMP"' EXIT
for _ in $(seq 300); do curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done

T="node $HERE/lib/threads.js"
HOOKS=(--exec-at-measure "$T snapshot $PID > $TMP/t0.json; jcmd $PID JFR.start name=bench settings=profile filename=$OUT/$SCEN.jfr >/dev/null"
       --exec-after-measure "jcmd $PID JFR.stop name=bench >/dev/null; $T snapshot $PID > $TMP/t1.json")
if [ "$SCEN" = durable ]; then
  LOAD=(--scenario durable --senders 50 --rooms 10 --window 8 --duration "$SECS" --warmup 20)
  WHAT="50 senders in 10 rooms (5 per room), 8 messages in flight each (closed loop), acks after commit"
else
  LOAD=(--scenario fanout --rates "$RATE" --step "$SECS" --warmup 20 --drain 3)
  WHAT="1000 clients in 10 rooms, 50 senders, $RATE msgs/s = $((RATE * 100)) deliveries/s offered"
fi
timeout 300 nice -n "$BENCH_NICE" taskset -c 1 node "$HERE/loadgen/loadgen.js" --port $PORT --pid $PID --peer chat \
  "${LOAD[@]}" --out "$OUT/loadgen.json" "${HOOKS[@]}"

{
  echo "# chat-server profile: $SCEN scenario for $SECS s (sqliteSynchronous=$SYNC)"
  echo
  echo "$WHAT; server pinned to one core (nice $BENCH_NICE)."
  echo
  node -e '
    const x = require(process.argv[1]).result;
    const r = x.steps ? x.steps[0] : x;
    console.log(`Measured: ${r.msgs_per_s} msgs/s, ${r.deliveries_per_s} deliveries/s, delivery p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms, ack p50 ${r.ack_p50_ms} ms, p99 ${r.ack_p99_ms} ms, `
      + `server CPU ${r.server_cpu_pct} %, ${(r.server_cpu_pct * 1e4 / r.deliveries_per_s).toFixed(1)} µs CPU per delivery, `
      + `lost ${r.lost}, load generator CPU ${r.loadgen_cpu_pct} %, other users ${r.foreign_cpu_pct} %.`);' "$OUT/loadgen.json"
  echo
  echo "## CPU time per thread (from /proc, exact)"
  echo
  $T diff "$TMP/t0.json" "$TMP/t1.json"
  echo
  echo "## JFR samples (settings=profile)"
  jfr print --json --events jdk.ExecutionSample,jdk.NativeMethodSample "$OUT/$SCEN.jfr" | node "$HERE/lib/jfr-top.js"
  echo
  echo "## GC"
  echo
  jfr summary "$OUT/$SCEN.jfr" | grep -E "GarbageCollection|GCPhasePause |ObjectAllocationSample" || true
  jfr print --events jdk.GarbageCollection "$OUT/$SCEN.jfr" | awk '/sumOfPauses/ {gsub(/[^0-9.]/,"",$3); s+=$3; n++} END {printf "\n%d collections, %.1f ms of pauses in total\n", n, s}'
} >"$OUT/profile.md"
echo "$OUT/profile.md"
