// A Node socket.io-client v4 chat client used by the Java tests (NodeClientTest) and by hand:
//   node server/src/test/node/chat-client.js <url> <room> <name> <text>
// Joins <room> as <name>, sends <text> with an ack, waits to receive it back as a room message, and prints
// one JSON line {ok, id, received} then exits 0; exits 1 with a JSON error line on failure or after 10 s.
const { io } = require('socket.io-client');

const [url, room, name, text] = process.argv.slice(2);
const socket = io(url, { transports: ['websocket'], auth: { dialect: '001' }, reconnection: false });
const timer = setTimeout(() => fail('timeout'), 10000);

function fail(error) {
  console.log(JSON.stringify({ ok: false, error }));
  process.exit(1);
}

socket.on('connect_error', (e) => fail('connect_error: ' + e.message));
socket.on('connect', () => {
  socket.emit('join_room', { room, username: name }, (ack) => {
    if (!ack || !ack.ok) return fail('join: ' + JSON.stringify(ack));
    const seen = new Map(); // the room broadcast may arrive before the ack
    let ackedId = null;
    const check = () => {
      const m = ackedId !== null && seen.get(ackedId);
      if (m) {
        clearTimeout(timer);
        console.log(JSON.stringify({ ok: true, id: ackedId, received: m.message, username: m.username }));
        socket.close();
        process.exit(0);
      }
    };
    socket.on('message', (m) => { seen.set(m.id, m); check(); });
    socket.emit('message', { room, message: text }, (sent) => {
      if (!sent || !sent.ok) return fail('message: ' + JSON.stringify(sent));
      ackedId = sent.data.id;
      check();
    });
  });
});
