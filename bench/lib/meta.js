// Prints the run's metadata as JSON: machine, versions, git commit, options.
//   node meta.js <repo root> <quick 0|1> <repeats> <budget minutes>
'use strict';
const fs = require('fs');
const os = require('os');
const { execSync } = require('child_process');
const [root, quick, repeats, budget, niceness] = process.argv.slice(2);
const sh = (c) => { try { return execSync(c, { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim(); } catch { return null; } };
const pkg = (p) => { try { return JSON.parse(fs.readFileSync(require.resolve(p + '/package.json', { paths: [__dirname + '/..'] }))).version; } catch { return null; } };
console.log(JSON.stringify({
  started: new Date().toISOString(), quick: quick === '1', repeats: Number(repeats), budget_min: Number(budget),
  git_commit: sh('git rev-parse --short HEAD'), git_dirty: sh("git status --porcelain -- . ':(exclude)bench/results'") !== '',
  cpu: (os.cpus()[0] || {}).model, cores: os.cpus().length, mem_gb: Math.round(os.totalmem() / 2 ** 30),
  kernel: os.release(), loadavg_at_start: os.loadavg().map((x) => Math.round(x * 100) / 100),
  java: sh('java -version 2>&1 | head -1'), node: process.version,
  socket_io: pkg('socket.io'), socket_io_client: pkg('socket.io-client'),
  python: sh('/usr/bin/python3 --version'),
  debian_packages: sh("dpkg-query -W -f='${Package} ${Version}\\n' python3-flask-socketio python3-socketio python3-engineio python3-eventlet python3-flask 2>/dev/null"),
  pinning: `server: taskset -c 0, load generator: taskset -c 1, both at nice ${niceness || 0}`,
}, null, 1));
