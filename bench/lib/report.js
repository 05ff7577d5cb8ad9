// Aggregates one benchmark run: raw/*.json (one file per scenario, peer and repeat) -> results.json,
// results.md (a table per scenario, medians over repeats, ratios chat-server/peer, the targets of issue #8)
// and latency.png (gnuplot: fan-out latency vs offered message rate, every peer).
//   node report.js <results dir>
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const dir = process.argv[2];
const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8'));
const raws = fs.readdirSync(path.join(dir, 'raw')).filter((f) => f.endsWith('.json')).sort()
  .map((f) => ({ file: f, ...JSON.parse(fs.readFileSync(path.join(dir, 'raw', f), 'utf8')) }));

const PEERS = ['chat', 'chat-normal', 'node', 'flask'];
const LABEL = {
  chat: 'chat-server, SQLite synchronous=FULL (durable)',
  'chat-normal': 'chat-server, SQLite synchronous=NORMAL',
  node: `Node socket.io ${meta.socket_io || '4'} (in memory)`,
  flask: 'Flask-SocketIO 5.3.2 + eventlet (in memory)',
};
const REF = 'chat';

const median = (xs) => {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const r1 = (x, d = 1) => (x === null || x === undefined ? null : Math.round(x * 10 ** d) / 10 ** d);
const fmt = (x, d = 1) => (x === null || x === undefined ? '–' : Number(r1(x, d)).toLocaleString('en-US'));
const ratio = (a, b) => (a === null || b === null || !b ? null : a / b);
const fmtRatio = (x) => (x === null ? '–' : x.toFixed(2) + '×');

function group(scenario, tag) {
  const out = {};
  for (const p of PEERS) {
    // per repeat, the quietest run (a run spoiled by other users' load was repeated once by run.sh)
    const byRep = {};
    for (const r of raws.filter((x) => x.scenario === scenario && x.peer === p && (!tag || x.tag === tag))) {
      const cur = byRep[r.repeat];
      const noise = (x) => (x.result ? (x.noise_pct ?? 0) : Infinity);
      if (!cur || noise(r) < noise(cur)) byRep[r.repeat] = r;
    }
    const runs = Object.values(byRep);
    if (runs.length) out[p] = { ok: runs.filter((r) => r.result), failed: runs.filter((r) => !r.result).map((r) => r.error) };
  }
  return out;
}
const med = (runs, f) => median(runs.map(f));

const agg = { meta, scenarios: {}, raw_files: raws.map((r) => r.file) };
const md = [];
md.push(`# chat-server benchmark results${meta.quick ? ' (quick run)' : ''}`, '');
md.push(`Run ${meta.started} on ${meta.cores} cores (${meta.cpu}), load average at start ${meta.loadavg_at_start.join(' / ')}; `
  + `${meta.repeats} repeat(s), medians over repeats; ${meta.pinning}. chat-server commit ${meta.git_commit}${meta.git_dirty ? ' (+ uncommitted changes)' : ''}. `
  + `${meta.java}; Node ${meta.node}; socket.io ${meta.socket_io}; ${meta.python}; ${(meta.debian_packages || '').replace(/\n/g, ', ')}.`, '');
md.push('Peers: chat-server with SQLite durability (synchronous=FULL, the default) and with synchronous=NORMAL '
  + '(chat-server has no persistence-off mode; NORMAL is its cheapest durability), and two reference servers with the same '
  + 'events, payloads and acks that keep everything **in memory, no persistence**: Node socket.io and Flask-SocketIO (eventlet). '
  + 'Ratios are chat-server (FULL) ÷ peer. `others CPU %` is CPU used on the two cores by processes outside the benchmark '
  + '(other users of this machine; 200 % = both cores): high values mean a noisy measurement. '
  + (meta.quick ? 'This quick run does not repeat noisy runs.' : 'A run with more than 60 % was repeated once (time allowing) and the quieter run is shown.'), '');

// ---------- (a) connect storm ----------
{
  const tags = [...new Set(raws.filter((r) => r.scenario === 'connect').map((r) => r.tag))]
    .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  if (tags.length) {
    md.push('## (a) Connect storm', '', 'N clients connect at once (at most 500 handshakes in flight), then stay idle. '
      + '*time to all* = first connect to last Socket.IO CONNECT answer; *RSS/idle conn* = (server RSS after 3 s idle − RSS before) ÷ N. '
      + 'chat-server creates (and commits) a token identity per connection, as the protocol says; the peers make a random one in memory.', '');
    md.push('| N | peer | connected | time to all ms | connects/s | RSS/idle conn KB | CPU % | RSS MB | others CPU % | ratio connects/s (chat÷peer, >1 = chat faster) | ratio KB/conn (chat÷peer, <1 = chat leaner) |');
    md.push('|---|---|---|---|---|---|---|---|---|---|---|');
    agg.scenarios.connect = {};
    for (const tag of tags) {
      const g = group('connect', tag);
      const rows = {};
      for (const [p, { ok, failed }] of Object.entries(g)) {
        rows[p] = {
          n: Number(tag.slice(1)), repeats: ok.length, failed_runs: failed,
          connected_min: ok.length ? Math.min(...ok.map((r) => r.result.connected)) : 0,
          time_to_all_ms: med(ok, (r) => r.result.time_to_all_ms), connects_per_s: med(ok, (r) => r.result.connects_per_s),
          rss_per_conn_kb: med(ok, (r) => r.result.rss_per_conn_kb), server_cpu_pct: med(ok, (r) => r.result.server_cpu_pct),
          rss_mb: med(ok, (r) => r.result.rss_after_mb), foreign_cpu_pct: med(ok, (r) => r.result.foreign_cpu_pct),
          zero_loss: ok.length ? ok.every((r) => r.result.zero_loss) : null,
        };
      }
      for (const [p, x] of Object.entries(rows)) {
        const c = rows[REF];
        x.ratio_connects = c ? ratio(c.connects_per_s, x.connects_per_s) : null;
        x.ratio_kb_per_conn = c ? ratio(c.rss_per_conn_kb, x.rss_per_conn_kb) : null;
        md.push(`| ${x.n.toLocaleString('en-US')} | ${LABEL[p]} | ${x.connected_min}/${x.n}${x.zero_loss === false ? ' ⚠' : ''} | ${fmt(x.time_to_all_ms, 0)} | ${fmt(x.connects_per_s, 0)} | ${fmt(x.rss_per_conn_kb)} | ${fmt(x.server_cpu_pct, 0)} | ${fmt(x.rss_mb, 0)} | ${fmt(x.foreign_cpu_pct, 0)} | ${p === REF ? '' : fmtRatio(x.ratio_connects)} | ${p === REF ? '' : fmtRatio(x.ratio_kb_per_conn)} |`);
      }
      agg.scenarios.connect[tag] = rows;
    }
    md.push('');
  }
}

// ---------- (b) fan-out ----------
const curves = {};
{
  const g = group('fanout');
  if (Object.keys(g).length) {
    const any = raws.find((r) => r.scenario === 'fanout' && r.result);
    const cfg = any ? any.result : {};
    md.push('## (b) Fan-out: rising message rate until p99 > 100 ms', '',
      `${cfg.clients} clients in ${cfg.rooms} rooms (${cfg.clients / cfg.rooms} per room), ${cfg.senders} of them send at a fixed total rate (open loop) `
      + `for ${cfg.step_sec} s per step, after a closed-loop warm-up; the rate rises ×1.5 per step (starting near 1/8 of the warm-up rate) until p99 > ${cfg.p99_limit_ms} ms, a message is refused or unacked, or the `
      + 'load generator cannot hold the rate; a failing step is retried once, and two steps then bisect between the last pass and the first failure. '
      + 'A lost message (acked, but not received by every member of the room after the backlog drained) does not stop the ladder; it is counted in *zero loss*. '
      + 'Every message goes to every member of its room, sender included. Latency = send → each receipt. '
      + 'Figures are those of the **last step that passed** (max sustained). *µs/delivery* = server CPU time per delivery at that step.', '');
    md.push('| peer | msgs/s | deliveries/s | p50 ms | p95 ms | p99 ms | CPU % | µs CPU/delivery | RSS MB | load gen CPU % | others CPU % | stopped by | zero loss | ratio deliveries/s (chat÷peer) |');
    md.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    const rows = {};
    for (const [p, { ok, failed }] of Object.entries(g)) {
      const best = ok.map((r) => r.result.best || {});
      const stopped = ok.map((r) => {
        // the lowest rate that failed in every attempt
        const passedRates = new Set(r.result.steps.filter((s) => s.pass).map((s) => s.rate_target));
        const fails = r.result.steps.filter((s) => !s.pass && !passedRates.has(s.rate_target)).sort((a, b) => a.rate_target - b.rate_target);
        const last = fails[fails.length ? 0 : -1];
        if (!last) return 'top of rate ladder';
        const why = [];
        if (last.p99_ms === null || last.p99_ms > r.result.p99_limit_ms) why.push(`p99 ${last.p99_ms} ms`);
        if (last.lost) why.push(`${last.lost} lost`);
        if (Object.keys(last.errors).length) why.push('refused ' + JSON.stringify(last.errors));
        if (last.ack_missing) why.push(`${last.ack_missing} unacked`);
        if (last.sent < 0.95 * last.rate_target * r.result.step_sec) why.push('load gen could not hold the rate');
        return `${last.rate_target}/s: ${why.join(', ')}`;
      });
      rows[p] = {
        repeats: ok.length, failed_runs: failed,
        msgs_per_s: med(ok, (r) => r.result.max_sustained_msgs_per_s), deliveries_per_s: med(ok, (r) => r.result.max_sustained_deliveries_per_s),
        best_rate: med(ok, (r) => (r.result.best ? r.result.best.rate_target : 0)),
        p50_ms: median(best.map((b) => b.p50_ms)), p95_ms: median(best.map((b) => b.p95_ms)), p99_ms: median(best.map((b) => b.p99_ms)),
        server_cpu_pct: median(best.map((b) => b.server_cpu_pct)), rss_mb: median(best.map((b) => b.server_rss_mb)),
        loadgen_cpu_pct: median(best.map((b) => b.loadgen_cpu_pct)), foreign_cpu_pct: median(best.map((b) => b.foreign_cpu_pct)),
        us_cpu_per_delivery: median(best.map((b) => (b.deliveries_per_s ? (b.server_cpu_pct * 1e4) / b.deliveries_per_s : null))),
        setup_ms: med(ok, (r) => r.result.setup_ms), stopped_by: stopped,
        // any acked message that some member never received counts, in passing and failing steps alike
        zero_loss: ok.length ? ok.every((r) => r.result.lost_total === 0 && r.result.unexpected === 0) : null,
        lost: ok.map((r) => r.result.steps.filter((s) => s.lost).map((s) => `${s.lost_messages} msgs / ${s.lost} deliveries at ${s.rate_target}/s`).join(', ')).filter(Boolean),
      };
      // latency curve: median per offered rate over the repeats that reached it
      const byRate = {};
      for (const r of ok) {
        const last = {}; // per rate, the last attempt (a retry replaces a first attempt spoiled by noise)
        for (const s of r.result.steps) last[s.rate_target] = s;
        for (const s of Object.values(last)) (byRate[s.rate_target] = byRate[s.rate_target] || []).push(s);
      }
      curves[p] = Object.keys(byRate).map(Number).sort((a, b) => a - b).map((rate) => ({
        rate, msgs_per_s: median(byRate[rate].map((s) => s.msgs_per_s)), deliveries_per_s: median(byRate[rate].map((s) => s.deliveries_per_s)),
        p50_ms: median(byRate[rate].map((s) => s.p50_ms)), p99_ms: median(byRate[rate].map((s) => s.p99_ms)), runs: byRate[rate].length,
      }));
      rows[p].curve = curves[p];
    }
    for (const [p, x] of Object.entries(rows)) {
      x.ratio_deliveries = rows[REF] ? ratio(rows[REF].deliveries_per_s, x.deliveries_per_s) : null;
      md.push(`| ${LABEL[p]} | ${fmt(x.msgs_per_s, 0)} | ${fmt(x.deliveries_per_s, 0)} | ${fmt(x.p50_ms, 2)} | ${fmt(x.p95_ms, 2)} | ${fmt(x.p99_ms, 2)} | ${fmt(x.server_cpu_pct, 0)} | ${fmt(x.us_cpu_per_delivery, 1)} | ${fmt(x.rss_mb, 0)} | ${fmt(x.loadgen_cpu_pct, 0)} | ${fmt(x.foreign_cpu_pct, 0)} | ${x.stopped_by.join('; ')} | ${x.zero_loss === null ? '–' : x.zero_loss ? 'yes' : `**no**: ${x.lost.join('; ')}`} | ${p === REF ? '' : fmtRatio(x.ratio_deliveries)} |`);
    }
    md.push('', `Join phase (${cfg.clients} connects + joins, then the presence storm): `
      + Object.entries(rows).map(([p, x]) => `${p} ${fmt(x.setup_ms / 1000, 1)} s`).join(', ') + '.', '',
    '![p50 and p99 latency vs offered rate](latency.png)', '');
    agg.scenarios.fanout = rows;
  }
}

// ---------- (c) durable throughput ----------
{
  const g = group('durable');
  if (Object.keys(g).length) {
    const any = raws.find((r) => r.scenario === 'durable' && r.result);
    const cfg = any ? any.result : {};
    md.push('## (c) Durable throughput: acks after commit', '',
      `${cfg.senders} senders in ${cfg.rooms} rooms, each keeping ${cfg.window} messages in flight (closed loop: the next message leaves `
      + `when an ack comes back), ${cfg.duration_sec} s measured after a warm-up. chat-server acks after the SQLite commit; the in-memory peers ack at once. `
      + 'Latency columns are send → ack. *msgs/commit* = messages acked per second ÷ the server\'s fsync/fdatasync calls per second in the window '
      + '(perf stat on the syscall tracepoints), i.e. the group-commit batch size; only meaningful with synchronous=FULL (NORMAL does not sync per commit).', '');
    md.push('| peer | msgs/s | deliveries/s | ack p50 ms | ack p95 ms | ack p99 ms | delivery p99 ms | CPU % | RSS MB | msgs/commit | commits/s | others CPU % | zero loss | ratio msgs/s (chat÷peer) |');
    md.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    const rows = {};
    for (const [p, { ok, failed }] of Object.entries(g)) {
      rows[p] = {
        repeats: ok.length, failed_runs: failed,
        msgs_per_s: med(ok, (r) => r.result.msgs_per_s), deliveries_per_s: med(ok, (r) => r.result.deliveries_per_s),
        p50_ms: med(ok, (r) => r.result.ack_p50_ms), p95_ms: med(ok, (r) => r.result.ack_p95_ms), p99_ms: med(ok, (r) => r.result.ack_p99_ms),
        delivery_p99_ms: med(ok, (r) => r.result.p99_ms),
        server_cpu_pct: med(ok, (r) => r.result.server_cpu_pct), rss_mb: med(ok, (r) => r.result.server_rss_mb),
        messages_per_commit: med(ok, (r) => r.result.messages_per_commit), commits_per_s: med(ok, (r) => r.result.commits_per_s),

        foreign_cpu_pct: med(ok, (r) => r.result.foreign_cpu_pct),
        zero_loss: ok.length ? ok.every((r) => r.result.zero_loss) : null,
        lost: ok.map((r) => ({ deliveries: r.result.lost, messages: r.result.lost_messages, samples: r.result.lost_samples, errors: r.result.errors })),
      };
    }
    for (const [p, x] of Object.entries(rows)) {
      x.ratio_msgs = rows[REF] ? ratio(rows[REF].msgs_per_s, x.msgs_per_s) : null;
      const mpc = p.startsWith('chat') ? (p === 'chat' ? fmt(x.messages_per_commit) : 'n/a (no sync)') : '–';
      const lossNote = x.zero_loss === null ? '–' : x.zero_loss ? 'yes' : `**no** (${x.lost.map((l) => `${l.messages || 0} msg / ${l.deliveries} deliveries`).join('; ')})`;
      md.push(`| ${LABEL[p]} | ${fmt(x.msgs_per_s, 0)} | ${fmt(x.deliveries_per_s, 0)} | ${fmt(x.p50_ms, 2)} | ${fmt(x.p95_ms, 2)} | ${fmt(x.p99_ms, 2)} | ${fmt(x.delivery_p99_ms, 2)} | ${fmt(x.server_cpu_pct, 0)} | ${fmt(x.rss_mb, 0)} | ${mpc} | ${p === 'chat' ? fmt(x.commits_per_s, 0) : '–'} | ${fmt(x.foreign_cpu_pct, 0)} | ${lossNote} | ${p === REF ? '' : fmtRatio(x.ratio_msgs)} |`);
    }
    md.push('');
    agg.scenarios.durable = rows;
  }
}

// ---------- (d) history join ----------
{
  const g = group('history');
  if (Object.keys(g).length) {
    const any = raws.find((r) => r.scenario === 'history' && r.result);
    const cfg = any ? any.result : {};
    md.push('## (d) History join', '',
      `A room holds ${cfg.history} messages (its sender stays in it); ${cfg.joins} times, one after the other, a fresh socket.io-client `
      + '(the real npm client, websocket) connects and joins; *join* = `join_room` emitted → ack and `history` (both carry the 200 messages) received.', '');
    md.push('| peer | join p50 ms | join p95 ms | join p99 ms | connect+join p50 ms | CPU % | RSS MB | all joins got 200 messages | ratio join p50 (chat÷peer, <1 = chat faster) |');
    md.push('|---|---|---|---|---|---|---|---|---|');
    const rows = {};
    for (const [p, { ok, failed }] of Object.entries(g)) {
      rows[p] = {
        repeats: ok.length, failed_runs: failed,
        p50_ms: med(ok, (r) => r.result.join_p50_ms), p95_ms: med(ok, (r) => r.result.join_p95_ms), p99_ms: med(ok, (r) => r.result.join_p99_ms),
        connect_and_join_p50_ms: med(ok, (r) => r.result.connect_and_join_p50_ms),
        server_cpu_pct: med(ok, (r) => r.result.server_cpu_pct), rss_mb: med(ok, (r) => r.result.server_rss_mb),
        zero_loss: ok.length ? ok.every((r) => r.result.zero_loss) : null,
      };
    }
    for (const [p, x] of Object.entries(rows)) {
      x.ratio_join = rows[REF] ? ratio(rows[REF].p50_ms, x.p50_ms) : null;
      md.push(`| ${LABEL[p]} | ${fmt(x.p50_ms, 2)} | ${fmt(x.p95_ms, 2)} | ${fmt(x.p99_ms, 2)} | ${fmt(x.connect_and_join_p50_ms, 2)} | ${fmt(x.server_cpu_pct, 0)} | ${fmt(x.rss_mb, 0)} | ${x.zero_loss === null ? '–' : x.zero_loss ? 'yes' : '**no**'} | ${p === REF ? '' : fmtRatio(x.ratio_join)} |`);
    }
    md.push('');
    agg.scenarios.history = rows;
  }
}

// ---------- targets of issue #8 ----------
{
  const s = agg.scenarios;
  const t = [];
  const verdict = (ok) => (ok === null ? 'not measured' : ok ? '**met**' : '**not met**');
  const fan = s.fanout || {};
  const dur = s.durable || {};
  const chatFan = fan.chat;
  const chatDur = dur.chat;
  const both = (a, b, k) => a && b && typeof a[k] === 'number' && typeof b[k] === 'number';
  const x2 = both(chatDur, dur.flask, 'msgs_per_s') ? chatDur.msgs_per_s > 0 && chatDur.msgs_per_s >= 2 * dur.flask.msgs_per_s : null;
  const x2f = both(chatFan, fan.flask, 'msgs_per_s') ? chatFan.msgs_per_s > 0 && chatFan.msgs_per_s >= 2 * fan.flask.msgs_per_s : null;
  t.push(`- chat-server (durable) ≥ 2× Flask-SocketIO msgs/s: durable scenario ${verdict(x2)} (${fmt(chatDur && chatDur.msgs_per_s, 0)} vs ${fmt(dur.flask && dur.flask.msgs_per_s, 0)}), `
    + `fan-out ${verdict(x2f)} (${fmt(chatFan && chatFan.msgs_per_s, 0)} vs ${fmt(fan.flask && fan.flask.msgs_per_s, 0)}).`);
  // compared on the offered rate of the best passing step (both peers then ran the same load)
  const eqNode = both(chatFan, fan.node, 'best_rate') ? chatFan.msgs_per_s > 0 && chatFan.best_rate >= fan.node.best_rate : null;
  t.push(`- chat-server (durable) ≥ Node socket.io msgs/s at equal p99 (fan-out, p99 ≤ 100 ms): ${verdict(eqNode)} (${fmt(chatFan && chatFan.msgs_per_s, 0)} vs ${fmt(fan.node && fan.node.msgs_per_s, 0)} msgs/s).`);
  const con = s.connect || {};
  const big = Object.keys(con).sort((a, b) => Number(b.slice(1)) - Number(a.slice(1)))[0];
  const mem = big && both(con[big].chat, con[big].node, 'rss_per_conn_kb') ? con[big].chat.rss_per_conn_kb < con[big].node.rss_per_conn_kb : null;
  t.push(`- idle connection memory below Node's (N = ${big ? big.slice(1) : '–'}): ${verdict(mem)} (${fmt(big && con[big].chat && con[big].chat.rss_per_conn_kb)} KB vs ${fmt(big && con[big].node && con[big].node.rss_per_conn_kb)} KB per connection).`);
  const losses = [];
  const connFail = [];
  for (const [name, rows] of Object.entries(s)) {
    if (name === 'connect') { for (const [tag, r] of Object.entries(rows)) for (const p of ['chat', 'chat-normal']) if (r[p] && r[p].zero_loss === false) connFail.push(`${tag} (${p}: ${r[p].connected_min}/${r[p].n} connected)`); } else {
      for (const p of ['chat', 'chat-normal']) if (rows[p] && rows[p].zero_loss === false) losses.push(`${name} (${p})`);
    }
  }
  t.push(`- zero message loss in every scenario (chat-server): ${losses.length ? '**not met**: ' + losses.join(', ') : verdict(Object.keys(s).length ? true : null)}.`);
  if (connFail.length) t.push(`- (not message loss, but failures) connect storm: ${connFail.join(', ')}.`);
  agg.targets = t;
  md.push('## Targets (issue #8)', '', ...t, '');
}

const failedRuns = raws.filter((r) => !r.result);
if (failedRuns.length) {
  md.push('## Runs without a result', '', ...failedRuns.map((r) => `- ${r.file}: ${r.error}`), '');
}
const warned = raws.filter((r) => r.server_log && r.server_log.warnings);
if (warned.length) {
  md.push('## Server log warnings', '', ...warned.map((r) => `- ${r.file}: ${r.server_log.warnings} line(s), first: \`${(r.server_log.exception || r.server_log.first[0] || '').replace(/`/g, "'").slice(0, 200)}\``), '');
}
md.push(`Raw data: [results.json](results.json) (medians, curves, targets) and \`raw/\` (one file per scenario, peer and repeat).`, '');

fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify(agg, null, 1) + '\n');
fs.writeFileSync(path.join(dir, 'results.md'), md.join('\n'));

// ---------- plot ----------
const series = Object.entries(curves).filter(([, c]) => c.length);
if (series.length) {
  const dat = path.join(dir, 'latency.dat');
  const lines = [];
  for (const [p, c] of series) {
    lines.push(`# ${p}: offered msgs/s, p50 ms, p99 ms, deliveries/s`);
    for (const s of c) lines.push(`${s.rate} ${s.p50_ms ?? 'NaN'} ${s.p99_ms ?? 'NaN'} ${s.deliveries_per_s ?? 'NaN'}`);
    lines.push('', '');
  }
  fs.writeFileSync(dat, lines.join('\n'));
  const colors = { chat: '#c0392b', 'chat-normal': '#e67e22', node: '#2c7bb6', flask: '#1a9641' };
  const plots = [];
  series.forEach(([p], i) => {
    plots.push(`'latency.dat' index ${i} using 1:3 with linespoints lw 2 pt 7 lc rgb '${colors[p]}' title '${LABEL[p]} p99'`);
    plots.push(`'latency.dat' index ${i} using 1:2 with linespoints lw 1 dt 2 pt 6 lc rgb '${colors[p]}' title '${p} p50'`);
  });
  const gp = [
    'set terminal pngcairo size 1100,650 font "sans,10"',
    "set output 'latency.png'",
    'set title "Fan-out latency vs offered rate (1000 clients, 10 rooms of 100; median over repeats)"',
    'set xlabel "offered messages/s (each delivered to 100 clients)"', 'set ylabel "latency send -> receipt, ms"',
    'set logscale xy', 'set grid', 'set key top left', 'set yrange [0.1:*]',
    "set arrow from graph 0, first 100 to graph 1, first 100 nohead dt 3 lc rgb 'gray'",
    'plot ' + plots.join(', \\\n  '),
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'latency.gp'), gp + '\n');
  try {
    execFileSync('gnuplot', ['latency.gp'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    try { // gnuplot without cairo: the libgd png terminal
      fs.writeFileSync(path.join(dir, 'latency.gp'), gp.replace('pngcairo size 1100,650 font "sans,10"', 'png size 1100,650') + '\n');
      execFileSync('gnuplot', ['latency.gp'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e2) { console.error('plot failed: ' + e2.message); }
  }
}
console.log(md.join('\n'));
