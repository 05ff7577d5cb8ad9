// A lean Socket.IO v4 client (Engine.IO 4, websocket transport only) on a raw TCP socket, for the load
// generator: one process drives thousands of them from one core. It speaks the same wire protocol as
// socket.io-client with `transports: ['websocket']` (HTTP upgrade on /socket.io/?EIO=4&transport=websocket,
// Engine.IO open/ping/pong, Socket.IO CONNECT with an auth payload, EVENT with ack ids, ACK), but it
// does not parse the JSON of chat deliveries: it finds the benchmark marker `~B~<sendMs>~<sender>~<seq>~`
// in the raw frame bytes (see onDelivery). Everything else (acks, other events) is JSON-parsed normally.
'use strict';
const net = require('net');
const crypto = require('crypto');

const MSG_PREFIX = Buffer.from('42["message",');
const MARK = Buffer.from('~B~');
const T_TILDE = 0x7e;
// one read buffer shared by all sockets (net's `onread` option): no Buffer allocation per read
const READ_BUF = Buffer.allocUnsafe(256 * 1024);

class LeanClient {
  /**
   * @param {object} o host, port, auth (object for the CONNECT packet), onDelivery(sendMs, sender, seq),
   *                   onEvent(name, data) for other events (optional; JSON-parsed only if given), onClose()
   */
  constructor(o) {
    this.o = o;
    this.acks = new Map();
    this.ackSeq = 0;
    this.connected = false;
    this.closed = false;
    this.buf = null;
    this.http = true;
    this.frag = null;
  }

  /** @returns {Promise<void>} resolved at the Socket.IO CONNECT answer, rejected on error/close/timeout */
  connect(timeoutMs = 30000) {
    return new Promise((resolve, reject) => {
      this.onOpen = resolve;
      this.onFail = reject;
      const timer = setTimeout(() => this.fail(new Error('connect timeout')), timeoutMs);
      this.clearTimer = () => clearTimeout(timer);
      const s = net.connect({ host: this.o.host, port: this.o.port, noDelay: true,
        onread: { buffer: READ_BUF, callback: (n, b) => { this.onData(b.subarray(0, n)); } } });
      this.sock = s;
      s.on('connect', () => {
        const key = crypto.randomBytes(16).toString('base64');
        s.write(`GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ${this.o.host}:${this.o.port}\r\n`
          + `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      });
      s.on('error', (e) => this.fail(e));
      s.on('close', () => {
        const was = this.connected;
        this.connected = false;
        this.closed = true;
        this.fail(new Error('closed'));
        if (was && this.o.onClose) this.o.onClose();
      });
    });
  }

  fail(e) {
    if (this.onFail) {
      const f = this.onFail;
      this.onFail = this.onOpen = null;
      this.clearTimer();
      f(e);
      if (!this.closed) this.sock.destroy();
    }
  }

  close() {
    this.connected = false;
    if (!this.closed) this.sock.destroy();
  }

  /** emit(event, data[, ackCallback]) */
  emit(event, data, ack) {
    let text;
    if (ack) {
      const id = ++this.ackSeq;
      this.acks.set(id, ack);
      text = '42' + id + JSON.stringify([event, data]);
    } else {
      text = '42' + JSON.stringify([event, data]);
    }
    this.sendText(text);
  }

  sendText(text) {
    const payload = Buffer.from(text, 'utf8');
    this.sendFrame(0x81, payload);
  }

  // client frames must be masked; an all-zero mask key leaves the payload as it is
  sendFrame(b0, payload) {
    const n = payload.length;
    let head;
    if (n < 126) {
      head = Buffer.alloc(6);
      head[1] = 0x80 | n;
    } else if (n < 65536) {
      head = Buffer.alloc(8);
      head[1] = 0x80 | 126;
      head.writeUInt16BE(n, 2);
    } else {
      head = Buffer.alloc(14);
      head[1] = 0x80 | 127;
      head.writeUInt32BE(Math.floor(n / 2 ** 32), 2);
      head.writeUInt32BE(n >>> 0, 6);
    }
    head[0] = b0;
    if (!this.closed) this.sock.write(Buffer.concat([head, payload]));
  }

  onData(d) {
    let buf = this.buf ? Buffer.concat([this.buf, d]) : d;
    this.buf = null;
    let pos = 0;
    if (this.http) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) { this.buf = Buffer.from(buf); return; }
      const status = buf.toString('latin1', 0, end).split('\r\n')[0];
      if (!/ 101 /.test(status)) { this.fail(new Error('upgrade refused: ' + status)); return; }
      this.http = false;
      pos = end + 4;
    }
    const len = buf.length;
    while (pos + 2 <= len) {
      const b0 = buf[pos];
      let n = buf[pos + 1] & 0x7f;
      let h = 2;
      if (n === 126) {
        if (pos + 4 > len) break;
        n = buf.readUInt16BE(pos + 2);
        h = 4;
      } else if (n === 127) {
        if (pos + 10 > len) break;
        n = buf.readUInt32BE(pos + 2) * 2 ** 32 + buf.readUInt32BE(pos + 6);
        h = 10;
      }
      if (buf[pos + 1] & 0x80) h += 4; // servers do not mask; tolerate it only for length
      if (pos + h + n > len) break;
      const start = pos + h;
      const end = start + n;
      pos = end;
      const op = b0 & 0x0f;
      const fin = (b0 & 0x80) !== 0;
      if (op === 0x1 || op === 0x0) {
        if (!fin || this.frag) { // fragmented text (rare here): collect, then handle as one
          this.frag = this.frag ? Buffer.concat([this.frag, buf.subarray(start, end)]) : Buffer.from(buf.subarray(start, end));
          if (!fin) continue;
          const whole = this.frag;
          this.frag = null;
          this.onText(whole, 0, whole.length);
        } else {
          this.onText(buf, start, end);
        }
      } else if (op === 0x8) {
        this.close();
        return;
      } else if (op === 0x9) {
        this.sendFrame(0x8a, Buffer.from(buf.subarray(start, end)));
      }
    }
    if (pos < len) this.buf = Buffer.from(buf.subarray(pos)); // copy: `buf` may be the shared read buffer
  }

  onText(buf, start, end) {
    // fast path: a chat delivery `42["message",{...~B~sendMs~sender~seq~...}]`
    if (end - start > MSG_PREFIX.length && buf[start] === 0x34 && buf[start + 1] === 0x32
      && buf.compare(MSG_PREFIX, 0, MSG_PREFIX.length, start, start + MSG_PREFIX.length) === 0) {
      const m = buf.indexOf(MARK, start);
      if (m >= 0 && m < end && this.o.onDelivery) {
        let i = m + 3;
        let t = 0;
        let frac = 0;
        let scale = 1;
        for (; buf[i] !== T_TILDE; i++) {
          const c = buf[i];
          if (c === 0x2e) frac = 1;
          else if (frac) { scale /= 10; t += (c - 48) * scale; } else t = t * 10 + (c - 48);
        }
        let sender = 0;
        for (i++; buf[i] !== T_TILDE; i++) sender = sender * 10 + (buf[i] - 48);
        let seq = 0;
        for (i++; buf[i] !== T_TILDE; i++) seq = seq * 10 + (buf[i] - 48);
        this.o.onDelivery(t, sender, seq);
        return;
      }
    }
    const s = buf.toString('utf8', start, end);
    const eio = s.charCodeAt(0);
    if (eio === 0x32) { this.sendText('3'); return; } // ping -> pong
    if (eio === 0x30) { // open
      this.sendText('40' + (this.o.auth ? JSON.stringify(this.o.auth) : ''));
      return;
    }
    if (eio === 0x31) { this.close(); return; }
    if (eio !== 0x34) return;
    const sio = s.charCodeAt(1);
    if (sio === 0x30) { // CONNECT answer
      this.connected = true;
      const ok = this.onOpen;
      this.onOpen = this.onFail = null;
      this.clearTimer();
      if (ok) ok();
    } else if (sio === 0x34) { // CONNECT_ERROR
      this.fail(new Error('connect_error ' + s.slice(2)));
    } else if (sio === 0x33) { // ACK 43<id>[...]
      let i = 2;
      let id = 0;
      for (; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c < 48 || c > 57) break;
        id = id * 10 + (c - 48);
      }
      const cb = this.acks.get(id);
      if (cb) {
        this.acks.delete(id);
        const arr = JSON.parse(s.slice(i));
        cb(arr[0]);
      }
    } else if (sio === 0x32 && this.o.onEvent) { // EVENT (not a chat delivery)
      let i = 2;
      while (i < s.length && s.charCodeAt(i) !== 0x5b) i++;
      const arr = JSON.parse(s.slice(i));
      this.o.onEvent(arr[0], arr[1]);
    } else if (sio === 0x31) { // DISCONNECT
      this.close();
    }
  }
}

module.exports = { LeanClient };
