// Adds to one raw result file: its tag (e.g. n5000), the SQLite commit count from the strace log of the
// durable scenario (fsync/fdatasync of the -wal file inside the measuring window; with synchronous=FULL
// SQLite syncs the WAL once per commit, plus rarely at a checkpoint), and the server log's warnings.
//   node annotate.js result.json tag [fsync.log] [server.log]
'use strict';
const fs = require('fs');
const [file, tag, trace, serverLog] = process.argv.slice(2);
const r = JSON.parse(fs.readFileSync(file, 'utf8'));
r.tag = tag;
if (trace && r.result && r.result.window_start_epoch_ms) {
  let walSyncs = 0;
  let dbSyncs = 0;
  const walMs = [];
  try {
    const a = r.result.window_start_epoch_ms / 1000;
    const b = r.result.window_end_epoch_ms / 1000;
    for (const line of fs.readFileSync(trace, 'utf8').split('\n')) {
      const m = line.match(/^\d+ (\d+\.\d+) f(?:data)?sync\(\d+<([^>]*)>\).*?(?:<(\d+\.\d+)>)?$/);
      if (!m) continue;
      const t = Number(m[1]);
      if (t < a || t > b) continue;
      if (m[2].endsWith('-wal')) { walSyncs++; if (m[3]) walMs.push(Number(m[3]) * 1000); }
      else if (m[2].endsWith('.sqlite3')) dbSyncs++;
    }
    r.result.wal_syncs_in_window = walSyncs;
    r.result.db_syncs_in_window = dbSyncs;
    r.result.messages_per_commit = walSyncs > 0 ? Math.round((r.result.acked / walSyncs) * 10) / 10 : null;
    r.result.commits_per_s = Math.round(walSyncs / ((b - a) || 1));
    // how long each WAL fsync took (strace -T): the floor under ack latency with synchronous=FULL
    walMs.sort((x, y) => x - y);
    const q = (p) => (walMs.length ? Math.round(walMs[Math.min(walMs.length - 1, Math.ceil(walMs.length * p) - 1)] * 100) / 100 : null);
    r.result.wal_fsync_ms = { n: walMs.length, p50: q(0.5), p99: q(0.99), max: q(1) };
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
