// Adds to one raw result file: its tag (e.g. n5000), the SQLite commit count of the durable scenario (the
// server's fsync + fdatasync calls in the measuring window, counted by `perf stat` on the syscall tracepoints;
// with synchronous=FULL SQLite syncs the WAL once per commit, plus twice per checkpoint, which is rare), the
// server log's warnings, and the noise figure (CPU% of other users' processes during the measurement).
//   node annotate.js result.json tag [perf.txt] [server.log]
'use strict';
const fs = require('fs');
const [file, tag, perfOut, serverLog] = process.argv.slice(2);
const r = JSON.parse(fs.readFileSync(file, 'utf8'));
r.tag = tag;
if (perfOut && r.result && r.result.window_start_epoch_ms && fs.existsSync(perfOut)) {
  try {
    // CSV lines: count,,event,enabled-ns,percent,,
    let syncs = 0;
    let ns = 0;
    for (const line of fs.readFileSync(perfOut, 'utf8').split('\n')) {
      const f = line.split(',');
      if (f.length > 3 && /sys_enter_f(data)?sync/.test(f[2])) { syncs += Number(f[0]) || 0; ns = Math.max(ns, Number(f[3]) || 0); }
    }
    const perfSec = ns / 1e9 || (r.result.window_end_epoch_ms - r.result.window_start_epoch_ms) / 1000;
    r.result.syncs_in_window = syncs;
    r.result.commits_per_s = Math.round(syncs / perfSec);
    r.result.messages_per_commit = syncs > 0 ? Math.round((r.result.msgs_per_s / (syncs / perfSec)) * 10) / 10 : null;
  } catch (e) {
    r.result.commit_count_error = String(e.message);
  }
}
if (serverLog) {
  try {
    const lines = fs.readFileSync(serverLog, 'utf8').split('\n');
    const bad = lines.filter((l) => /\b(ERROR|WARN|Exception|Traceback)\b/.test(l));
    const tb = lines.findIndex((l) => l.startsWith('Traceback'));
    r.server_log = { warnings: bad.length, first: bad.slice(0, 5).map((l) => l.slice(0, 300)),
      traceback: tb >= 0 ? lines.slice(tb, tb + 60).map((l) => l.slice(0, 200)) : undefined,
      exception: tb >= 0 ? (lines.slice(tb + 1).find((l) => l && !/^\s/.test(l)) || '').slice(0, 300) : undefined };
  } catch { /* no log */ }
}
// noise: CPU% that other users took on the two cores while this run measured (median over fan-out steps)
if (r.result) {
  const xs = r.result.steps ? r.result.steps.map((x) => x.foreign_cpu_pct).sort((a, b) => a - b) : [r.result.foreign_cpu_pct];
  r.noise_pct = xs.length ? xs[Math.floor(xs.length / 2)] : null;
}
fs.writeFileSync(file, JSON.stringify(r, null, 1) + '\n');
if (process.env.PRINT_NOISE) console.log(r.noise_pct === null || r.noise_pct === undefined ? 0 : Math.round(r.noise_pct));
