#!/usr/bin/env bash
# Cluster benchmark (issue #11), indicative only on a 2-core machine: (1) one node without Redis, (2) one node with
# Redis, (3) two nodes sharing Redis and one SQLite file. Nodes on core 0, the load generator and Redis on core 1.
# Needs chat-server.jar (mvn -DskipTests package), redis-server, node; writes bench/results/cluster-<UTC>.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
RATES="${RATES:-250,500,1000,2000}"
SECONDS_PER_RATE="${SECONDS_PER_RATE:-8}"
work=$(mktemp -d)
out="bench/results/cluster-$(date -u +%Y%m%dT%H%M%SZ).md"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; if [ -n "${KEEP:-}" ]; then echo "logs kept in $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rport=$(free_port)
taskset -c 1 redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >"$work/redis.log" 2>&1 &
pids+=($!)
start_node() { # name port redisUrl
  local dir="$work/$1"; mkdir -p "$dir"
  (cd "$work" && exec env PORT=$2 HOST=127.0.0.1 CHAT_DB="$work/db.sqlite3" CHAT_UPLOADS="$dir/up" CHAT_REDIS_URL="$3" \
    CHAT_NODE_ID="$1" CHAT_MESSAGES_PER_MINUTE=1000000 CHAT_CONNECTIONS_PER_IP=100000 CHAT_SQLITE_SYNCHRONOUS=NORMAL \
    taskset -c 0 java -Xmx512m -jar "$OLDPWD/chat-server.jar" >"$dir/log.txt" 2>&1) &
  pids+=($!)
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$2/readyz" >/dev/null && return 0; sleep 0.5; done
  echo "node $1 not ready"; cat "$dir/log.txt"; exit 1
}
stop_nodes() { for p in "${pids[@]:1}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; pids=("${pids[0]}"); rm -f "$work"/db.sqlite3*; }
bench() { taskset -c 1 node bench/cluster/cluster-bench.js --ports "$1" --clients 200 --rooms 20 --senders 40 \
  --rates "$RATES" --seconds "$SECONDS_PER_RATE"; }
p1=$(free_port); p2=$(free_port)
start_node one "$p1" ""; r1=$(bench "$p1"); stop_nodes
start_node one-redis "$p1" "redis://127.0.0.1:$rport"; r2=$(bench "$p1"); stop_nodes
start_node a "$p1" "redis://127.0.0.1:$rport"; start_node b "$p2" "redis://127.0.0.1:$rport"; r3=$(bench "$p1,$p2"); stop_nodes
python3 - "$out" "$r1" "$r2" "$r3" <<'PY'
import json, sys
out = sys.argv[1]
rows = ["| setup | rate msg/s | deliveries/s | late (not within 10 s) | p50 ms | p99 ms | cross-node p50 ms | cross-node p99 ms |", "|---|---|---|---|---|---|---|---|"]
for name, raw in zip(["1 node, no Redis", "1 node + Redis", "2 nodes + Redis"], sys.argv[2:]):
    for r in json.loads(raw)["results"]:
        rows.append(f"| {name} | {r['rate']} | {r['deliveries_per_s']} | {r['lost']} | {r['p50_ms']} | {r['p99_ms']} | {r['cross_p50_ms'] if r['cross_n'] else '-'} | {r['cross_p99_ms'] if r['cross_n'] else '-'} |")
open(out, "w").write("# Cluster benchmark\n\n200 clients in 20 rooms (10 per room, half on each node with 2 nodes), 40 senders, open loop, "
                     "SQLite NORMAL, nodes on core 0, load generator and Redis on core 1.\n\n" + "\n".join(rows) + "\n")
print("\n".join(rows))
PY
echo "written: $out"
