// Reference peer for the benchmark (issue #8): a chat server on the Node `socket.io` v4 package with the
// same events, payload shapes and acks as chat-server's dialect 001 (docs/protocol.md), but IN MEMORY:
// nothing is persisted, ids come from a counter, history is the last 200 messages kept per room.
//   PORT=5001 node bench/peers/node-server.js
// Events: identity on connect; join_room {room, username} -> history, user_joined (others), presence (all),
// ack {ok, data:{room, username, users, messages, replay}}; message {room, message} -> ack {ok, data: msg}
// and `message` to the whole room (sender included); leave_room; presence/user_left on disconnect.
const http = require('http');
const crypto = require('crypto');
const { Server } = require('socket.io');

const PORT = Number(process.env.PORT || 5001);
const HISTORY = 200;
const MAX_CHARS = 500;
const ROOM_RE = /^[A-Za-z0-9_-]{1,64}$/;

const httpServer = http.createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end('{"status":"ok"}');
  }
  res.writeHead(404);
  res.end();
});
const io = new Server(httpServer, { transports: ['websocket', 'polling'], serveClient: false, cors: { origin: false } });

let nextId = 1;
const rooms = new Map(); // code -> {members: Map<socketId, socket>, recent: []}

const token = (n) => crypto.randomBytes(n).toString('base64url');
const fail = (ack, code, message) => { if (typeof ack === 'function') ack({ ok: false, error: { code, message } }); };
const users = (st) => [...st.members.values()].map((s) => ({ username: s.data.username, user_id: s.data.publicToken, public_token: s.data.publicToken }));

function notice(code, s, list) {
  const now = Date.now();
  return { room: code, username: s.data.username, user_id: s.data.publicToken, public_token: s.data.publicToken,
    timestamp: new Date(now).toISOString(), users: list };
}

function leave(socket, code) {
  const st = rooms.get(code);
  if (!st || !st.members.delete(socket.id)) return false;
  socket.leave(code);
  const list = users(st);
  io.to(code).emit('user_left', notice(code, socket, list));
  io.to(code).emit('presence', { room: code, users: list });
  if (st.members.size === 0) rooms.delete(code);
  return true;
}

io.on('connection', (socket) => {
  const publicToken = token(9);
  socket.data = { token: token(32), publicToken, username: 'Guest-' + publicToken.slice(0, 4), rooms: new Set(), last: null };
  socket.emit('identity', { token: socket.data.token, public_token: publicToken, username: socket.data.username, named: false, suggested_username: null });

  socket.on('join_room', (p, ack) => {
    const code = p && typeof p === 'object' ? p.room : p;
    if (typeof code !== 'string' || !ROOM_RE.test(code)) return fail(ack, 'invalid_room', 'bad room');
    if (p && typeof p.username === 'string') {
      const name = p.username.trim();
      if (!name || name.length > 20) return fail(ack, 'invalid_username', 'bad username');
      socket.data.username = name;
    }
    if (socket.data.rooms.has(code)) leave(socket, code);
    let st = rooms.get(code);
    if (!st) { st = { members: new Map(), recent: [] }; rooms.set(code, st); }
    for (const other of st.members.values()) {
      if (other.data.username.toLowerCase() === socket.data.username.toLowerCase()) return fail(ack, 'username_taken', 'name in use');
    }
    st.members.set(socket.id, socket);
    socket.data.rooms.add(code);
    socket.data.last = code;
    socket.join(code);
    const messages = st.recent.slice();
    socket.emit('history', { room: code, messages, replay: false });
    const list = users(st);
    socket.to(code).emit('user_joined', notice(code, socket, list));
    io.to(code).emit('presence', { room: code, users: list });
    if (typeof ack === 'function') ack({ ok: true, data: { room: code, username: socket.data.username, users: list, messages, replay: false } });
  });

  socket.on('leave_room', (p, ack) => {
    const code = p && typeof p === 'object' ? p.room : p;
    leave(socket, code);
    socket.data.rooms.delete(code);
    if (typeof ack === 'function') ack({ ok: true, data: { room: code } });
  });

  socket.on('message', (p, ack) => {
    const code = (p && typeof p === 'object' && p.room) || socket.data.last;
    const raw = p && typeof p === 'object' ? p.message : p;
    if (!code || !socket.data.rooms.has(code)) return fail(ack, 'not_in_room', 'join first');
    if (typeof raw !== 'string') return fail(ack, 'bad_request', 'message must be a string');
    const text = raw.trim();
    if (!text) return fail(ack, 'empty_message', 'empty');
    if (text.length > MAX_CHARS) return fail(ack, 'message_too_long', 'too long');
    const now = Date.now();
    const m = { id: nextId++, room: code, room_id: code, username: socket.data.username, message: text, text, kind: 'text',
      timestamp: new Date(now).toISOString(), created_at: now, user_id: socket.data.publicToken, public_token: socket.data.publicToken };
    const st = rooms.get(code);
    st.recent.push(m);
    if (st.recent.length > HISTORY) st.recent.shift();
    io.to(code).emit('message', m);
    if (typeof ack === 'function') ack({ ok: true, data: m });
  });

  socket.on('disconnect', () => {
    for (const code of socket.data.rooms) leave(socket, code);
  });
});

httpServer.listen(PORT, '127.0.0.1', () => console.log(`node socket.io peer on 127.0.0.1:${PORT}`));
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
