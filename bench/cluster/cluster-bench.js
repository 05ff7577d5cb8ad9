// Cluster benchmark (issue #11): clients spread over one or more chat-server nodes (members of each room alternate between nodes),
// every room spanning the nodes, an open-loop message rate; reports deliveries/s, loss, and latency p50/p99 of all
// deliveries and of cross-node ones (sender and receiver on different nodes), from the send time in each message.
//
//   node cluster-bench.js --ports 5001,5002 --clients 200 --rooms 20 --senders 40 --rates 250,500,1000 --seconds 8
'use strict';
const { performance } = require('perf_hooks');
const { LeanClient } = require('../loadgen/lean-client');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const ports = (args.ports || '5000').split(',').map(Number);
const nClients = Number(args.clients || 200);
const nRooms = Number(args.rooms || 20);
const nSenders = Number(args.senders || 40);
const rates = (args.rates || '250,500,1000').split(',').map(Number);
const seconds = Number(args.seconds || 8);
const now = () => performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const PAD = ' lorem ipsum dolor sit amet, consectetur adipiscing elit';

function hist() {
  const b = new Uint32Array(120000); // 0.1 ms buckets to 12 s
  let n = 0;
  return {
    add(ms) { b[Math.min(b.length - 1, Math.max(0, Math.round(ms * 10)))]++; n++; },
    q(p) { let k = Math.ceil(n * p); for (let i = 0; i < b.length; i++) { k -= b[i]; if (k <= 0) return i / 10; } return NaN; },
    get n() { return n; },
  };
}

async function main() {
  const roomOf = (i) => 'cb' + (i % nRooms);
  const nodeOf = (i) => Math.floor(i / nRooms) % ports.length; // consecutive members of a room alternate nodes
  let phase = null;
  const clients = [];
  for (let i = 0; i < nClients; i++) {
    const me = i;
    const c = new LeanClient({ host: '127.0.0.1', port: ports[nodeOf(i)], auth: { dialect: '001' },
      onDelivery: (t, sender, seq) => {
        if (!phase) return;
        const ms = now() - t;
        phase.all.add(ms);
        if (nodeOf(Number(sender)) !== nodeOf(me)) phase.cross.add(ms); else phase.same.add(ms);
        phase.delivered++;
      } });
    await c.connect(30000);
    clients.push(c);
  }
  for (let i = 0; i < nClients; i++) {
    await new Promise((res, rej) => clients[i].emit('join_room', { room: roomOf(i), username: 'u' + i },
      (a) => (a && a.ok ? res() : rej(new Error('join ' + JSON.stringify(a))))));
  }
  const members = new Array(nRooms).fill(0);
  for (let i = 0; i < nClients; i++) members[i % nRooms]++;
  await sleep(1000);
  const results = [];
  for (const rate of rates) {
    phase = { all: hist(), cross: hist(), same: hist(), delivered: 0, expected: 0, acked: 0, refused: 0 };
    const p = phase;
    const interval = 1000 / rate;
    const t0 = now();
    let sent = 0;
    while (now() - t0 < seconds * 1000) {
      const due = Math.floor((now() - t0) / interval);
      while (sent < due) {
        const s = sent % nSenders;
        const room = roomOf(s);
        p.expected += members[s % nRooms];
        clients[s].emit('message', { room, message: '~B~' + now().toFixed(3) + '~' + s + '~' + sent + '~' + PAD },
          (a) => { if (a && a.ok) p.acked++; else p.refused++; });
        sent++;
      }
      await sleep(1);
    }
    const sendMs = now() - t0;
    const until = now() + 10000;
    while (p.delivered < p.expected && now() < until) await sleep(20);
    results.push({
      rate, sent, acked: p.acked, refused: p.refused, expected: p.expected, delivered: p.delivered,
      lost: p.expected - p.delivered, deliveries_per_s: Math.round(p.delivered / (sendMs / 1000)),
      p50_ms: p.all.q(0.5), p99_ms: p.all.q(0.99),
      cross_n: p.cross.n, cross_p50_ms: p.cross.q(0.5), cross_p99_ms: p.cross.q(0.99),
      same_p50_ms: p.same.q(0.5), same_p99_ms: p.same.q(0.99),
    });
    phase = null;
    await sleep(1500);
  }
  for (const c of clients) c.close();
  console.log(JSON.stringify({ ports: ports.length, clients: nClients, rooms: nRooms, senders: nSenders, seconds, results }));
}
main().catch((e) => { console.error(e); process.exit(1); });
