#!/bin/bash
F=/tmp/perf-ab/fanout-ab3.tsv; D=/tmp/perf-ab/durable-ab3.tsv
for v in main perf; do
  case $v in main) J=/tmp/perf-ab/main.jar;; perf) J=/tmp/perf-ab/perf3.jar;; esac
  echo "# $v $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a $F >> $D
  /tmp/perf-ab/ab.sh $v $J "" fanout 5660 $F --rates 500,800,1200 --step 4 --warmup 10 --retries 0 --refine 0 --drain 3 >/dev/null
  /tmp/perf-ab/ab.sh $v $J "" durable 5661 $D --senders 50 --rooms 10 --window 8 --duration 8 --warmup 15 >/dev/null
done
echo done | tee -a $F >> $D
