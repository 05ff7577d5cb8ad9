// Summarises a JFR recording's CPU samples: `jfr print --json --events jdk.ExecutionSample,jdk.NativeMethodSample f.jfr | node jfr-top.js`
// Prints the top methods by self samples (top frame) and by inclusive samples (anywhere on the stack),
// Java samples and native samples separately. Native samples are taken of threads in native code whether they
// are on the CPU or blocked in a system call (a SQLite commit waiting for fsync): they show where native time
// is spent, not CPU; threads parked in epoll/accept/poll are dropped.
'use strict';
let text = '';
process.stdin.on('data', (d) => { text += d; });
process.stdin.on('end', () => {
  const events = JSON.parse(text).recording.events;
  const IDLE = /EPoll\.wait|epollWait|Net\.accept|Net\.poll|Object\.wait|Unsafe\.park|Thread\.sleep|socketAccept|\.poll0|Poller|FileDispatcherImpl\.read0/;
  const cls = (f) => f.method.type.name.replace(/\//g, '.');
  const name = (f) => `${cls(f)}.${f.method.name}`;
  for (const kind of ['jdk.ExecutionSample', 'jdk.NativeMethodSample']) {
    const self = new Map();
    const incl = new Map();
    const pkg = new Map();
    let n = 0;
    for (const e of events) {
      if (e.type !== kind) continue;
      const frames = (e.values.stackTrace && e.values.stackTrace.frames) || [];
      if (!frames.length) continue;
      if (kind === 'jdk.NativeMethodSample' && IDLE.test(name(frames[0]))) continue;
      n++;
      self.set(name(frames[0]), (self.get(name(frames[0])) || 0) + 1);
      const seen = new Set(frames.map(name));
      for (const m of seen) incl.set(m, (incl.get(m) || 0) + 1);
      // where does the time go, by the first non-JDK frame's library (what application/library code caused it)
      const lib = frames.map(cls).find((t) => !/^(java|jdk|sun)\./.test(t)) || 'JDK only';
      const key = lib.split('.').slice(0, 3).join('.');
      pkg.set(key, (pkg.get(key) || 0) + 1);
    }
    if (!n) continue;
    const top = (m, k) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, k)
      .map(([x, c]) => `| ${x} | ${c} | ${((c / n) * 100).toFixed(1)} % |`).join('\n');
    console.log(`\n### ${kind}: ${n} samples\n\nTop by self (top frame):\n\n| method | samples | share |\n|---|---|---|\n${top(self, 15)}`);
    console.log(`\nTop by inclusive (anywhere on the stack):\n\n| method | samples | share |\n|---|---|---|\n${top(incl, 25)}`);
    console.log(`\nBy the first non-JDK frame's package (which library's code the time is spent in or below):\n\n| package | samples | share |\n|---|---|---|\n${top(pkg, 12)}`);
  }
});
