#!/bin/bash
OUT=/tmp/perf-ab/connect-ab2.tsv
for round in 1 2; do for v in main perf perf-nio; do
  case $v in main) J=/tmp/perf-ab/main.jar; O="";; perf) J=/tmp/perf-ab/perf3.jar; O="";; perf-nio) J=/tmp/perf-ab/perf3.jar; O="-Dio.netty.transport.noNative=true";; esac
  D=/tmp/perf-ab/conn2-$v; rm -rf $D; mkdir -p $D; cd $D
  (PORT=5650 CHAT_DB=$D/b.sqlite3 CHAT_UPLOADS=$D/up exec nice -n -10 taskset -c 0 java $O -Dchat.host=127.0.0.1 -Dchat.sqliteSynchronous=NORMAL -Dchat.messagesPerMinute=1000000 -Dchat.connectionsPerIp=1000000 -jar $J > server.log 2>&1) & PID=$!
  for i in $(seq 200); do curl -sf -o /dev/null --max-time 1 http://127.0.0.1:5650/healthz && break; sleep 0.1; done
  timeout 120 nice -n -10 taskset -c 1 node /work/wt-perf/bench/loadgen/loadgen.js --scenario connect --n 1000 --port 5650 --pid $PID --out $D/out.json 2>$D/loadgen.log
  kill $PID; wait $PID 2>/dev/null
  echo "round $round $v $(date -u +%T) $(node -e 'const x=require(process.argv[1]).result; console.log(JSON.stringify({connected:x.connected,failed:x.failed,errors:x.errors,time_ms:x.time_to_all_ms,others:x.foreign_cpu_pct}))' $D/out.json)" >> $OUT
done; done
echo done >> $OUT
