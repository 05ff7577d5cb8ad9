// Per-thread CPU of a process from /proc/<pid>/task/*/stat: `snapshot PID > a.json`, later
// `diff a.json b.json` prints CPU seconds (user / system) per thread group between the two snapshots.
'use strict';
const fs = require('fs');
const [cmd, a, b] = process.argv.slice(2);
if (cmd === 'snapshot') {
  const out = { t: Date.now(), threads: {} };
  for (const tid of fs.readdirSync(`/proc/${a}/task`)) {
    try {
      const s = fs.readFileSync(`/proc/${a}/task/${tid}/stat`, 'utf8');
      const name = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'));
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      out.threads[tid] = { name, utime: Number(f[11]), stime: Number(f[12]) };
    } catch { /* thread gone */ }
  }
  console.log(JSON.stringify(out));
} else if (cmd === 'diff') {
  const x = JSON.parse(fs.readFileSync(a, 'utf8'));
  const y = JSON.parse(fs.readFileSync(b, 'utf8'));
  const secs = (y.t - x.t) / 1000;
  const groups = {};
  for (const [tid, t] of Object.entries(y.threads)) {
    const o = x.threads[tid] || { utime: 0, stime: 0 };
    const g = t.name.replace(/[-#]?\d+/g, '-N').replace(/(-N)+/g, '-N');
    const e = (groups[g] = groups[g] || { threads: 0, user: 0, sys: 0 });
    e.threads++;
    e.user += (t.utime - o.utime) / 100;
    e.sys += (t.stime - o.stime) / 100;
  }
  const rows = Object.entries(groups).map(([g, e]) => ({ g, ...e, total: e.user + e.sys })).filter((r) => r.total > 0)
    .sort((p, q) => q.total - p.total);
  const all = rows.reduce((s, r) => s + r.total, 0);
  console.log(`CPU by thread over ${secs.toFixed(1)} s: ${all.toFixed(2)} CPU-s = ${((all / secs) * 100).toFixed(0)}% of one core`);
  console.log('| thread | threads | user s | system s | share |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.g} | ${r.threads} | ${r.user.toFixed(2)} | ${r.sys.toFixed(2)} | ${((r.total / all) * 100).toFixed(1)} % |`);
}
