#!/bin/bash
# usage: ab.sh LABEL JAR "JAVA_OPTS" SCENARIO PORT OUTFILE -- loadgen args
LABEL=$1 JAR=$2 JOPTS=$3 SCEN=$4 PORT=$5 OUT=$6; shift 6
D=/tmp/perf-ab/run-$LABEL-$PORT; rm -rf $D; mkdir -p $D; cd $D
(PORT=$PORT CHAT_DB=$D/b.sqlite3 CHAT_UPLOADS=$D/up exec nice -n -10 taskset -c 0 java $JOPTS -Dchat.host=127.0.0.1 -Dchat.sqliteSynchronous=FULL -Dchat.messagesPerMinute=1000000 -Dchat.connectionsPerIp=1000000 -jar $JAR > server.log 2>&1) & PID=$!
for i in $(seq 200); do curl -sf -o /dev/null --max-time 1 http://127.0.0.1:$PORT/healthz && break; sleep 0.1; done
timeout 300 nice -n -10 taskset -c 1 node /work/wt-perf/bench/loadgen/loadgen.js --scenario $SCEN --port $PORT --pid $PID --peer chat --out $D/out.json "$@" 2>$D/loadgen.log
kill $PID; wait $PID 2>/dev/null
node -e '
const x=require(process.argv[1]).result; const label=process.argv[2];
const rows = x.steps ? x.steps : [x];
for (const r of rows) console.log([label, r.rate_target||"-", r.msgs_per_s, r.deliveries_per_s, r.p50_ms, r.p99_ms, r.ack_p99_ms, r.server_cpu_pct, (r.server_cpu_pct*1e4/r.deliveries_per_s).toFixed(2), r.lost, r.foreign_cpu_pct, r.loadgen_cpu_pct].join("\t"));
' $D/out.json $LABEL | tee -a $OUT
