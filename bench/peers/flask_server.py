"""Flask-SocketIO peer for the benchmark (issue #8): the seeds' own stack, from Debian's packages
(python3-flask-socketio 5.3.2 / python-socketio 5.7.2 / python-engineio 4.3.4, which speak Socket.IO v5
protocol = Engine.IO 4, i.e. what socket.io-client v4 expects) served by eventlet.

Same events, payloads and acks as chat-server's dialect 001 and bench/peers/node-server.js; in memory
(no persistence), ids from a counter, the last 200 messages kept per room.

    PORT=5002 /usr/bin/python3 bench/peers/flask_server.py
"""
import eventlet

eventlet.monkey_patch()

import datetime  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import signal  # noqa: E402
import time  # noqa: E402

from flask import Flask, request  # noqa: E402
from flask_socketio import SocketIO, emit, join_room, leave_room  # noqa: E402

PORT = int(os.environ.get("PORT", "5002"))
HISTORY = 200
MAX_CHARS = 500
ROOM_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

app = Flask(__name__)
app.config["SECRET_KEY"] = secrets.token_hex(16)
socketio = SocketIO(app, async_mode="eventlet", cors_allowed_origins=[], logger=False, engineio_logger=False,
                    ping_interval=25, ping_timeout=20)

state = {"next_id": 1}
rooms = {}     # code -> {"members": {sid: session}, "recent": [msg]}
sessions = {}  # sid -> {"token", "public_token", "username", "rooms": set, "last"}


def now_iso(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def fail(code, message):
    return {"ok": False, "error": {"code": code, "message": message}}


def users(st):
    return [{"username": s["username"], "user_id": s["public_token"], "public_token": s["public_token"]}
            for s in st["members"].values()]


def notice(code, s, lst):
    ms = int(time.time() * 1000)
    return {"room": code, "username": s["username"], "user_id": s["public_token"], "public_token": s["public_token"],
            "timestamp": now_iso(ms), "users": lst}


def do_leave(sid, s, code):
    st = rooms.get(code)
    if st is None or st["members"].pop(sid, None) is None:
        return False
    leave_room(code, sid=sid)
    lst = users(st)
    socketio.emit("user_left", notice(code, s, lst), to=code)
    socketio.emit("presence", {"room": code, "users": lst}, to=code)
    if not st["members"]:
        rooms.pop(code, None)
    return True


@app.route("/healthz")
def healthz():
    return {"status": "ok"}


@socketio.on("connect")
def on_connect(auth=None):
    public_token = secrets.token_urlsafe(9)
    s = {"token": secrets.token_urlsafe(32), "public_token": public_token, "username": "Guest-" + public_token[:4],
         "rooms": set(), "last": None}
    sessions[request.sid] = s
    emit("identity", {"token": s["token"], "public_token": public_token, "username": s["username"], "named": False,
                      "suggested_username": None})


@socketio.on("join_room")
def on_join(p=None):
    sid = request.sid
    s = sessions[sid]
    code = p.get("room") if isinstance(p, dict) else p
    if not isinstance(code, str) or not ROOM_RE.match(code):
        return fail("invalid_room", "bad room")
    if isinstance(p, dict) and isinstance(p.get("username"), str):
        name = p["username"].strip()
        if not name or len(name) > 20:
            return fail("invalid_username", "bad username")
        s["username"] = name
    if code in s["rooms"]:
        do_leave(sid, s, code)
    st = rooms.setdefault(code, {"members": {}, "recent": []})
    for other in st["members"].values():
        if other["username"].lower() == s["username"].lower():
            return fail("username_taken", "name in use")
    st["members"][sid] = s
    s["rooms"].add(code)
    s["last"] = code
    join_room(code)
    messages = list(st["recent"])
    emit("history", {"room": code, "messages": messages, "replay": False})
    lst = users(st)
    emit("user_joined", notice(code, s, lst), to=code, include_self=False)
    emit("presence", {"room": code, "users": lst}, to=code)
    return {"ok": True, "data": {"room": code, "username": s["username"], "users": lst, "messages": messages, "replay": False}}


@socketio.on("leave_room")
def on_leave(p=None):
    sid = request.sid
    s = sessions[sid]
    code = p.get("room") if isinstance(p, dict) else p
    do_leave(sid, s, code)
    s["rooms"].discard(code)
    return {"ok": True, "data": {"room": code}}


@socketio.on("message")
def on_message(p=None):
    s = sessions[request.sid]
    code = (p.get("room") if isinstance(p, dict) else None) or s["last"]
    raw = p.get("message") if isinstance(p, dict) else p
    if not code or code not in s["rooms"]:
        return fail("not_in_room", "join first")
    if not isinstance(raw, str):
        return fail("bad_request", "message must be a string")
    text = raw.strip()
    if not text:
        return fail("empty_message", "empty")
    if len(text) > MAX_CHARS:
        return fail("message_too_long", "too long")
    ms = int(time.time() * 1000)
    m = {"id": state["next_id"], "room": code, "room_id": code, "username": s["username"], "message": text, "text": text,
         "kind": "text", "timestamp": now_iso(ms), "created_at": ms, "user_id": s["public_token"],
         "public_token": s["public_token"]}
    state["next_id"] += 1
    st = rooms[code]
    st["recent"].append(m)
    if len(st["recent"]) > HISTORY:
        del st["recent"][0]
    emit("message", m, to=code)
    return {"ok": True, "data": m}


@socketio.on("disconnect")
def on_disconnect():
    sid = request.sid
    s = sessions.pop(sid, None)
    if s is None:
        return
    for code in list(s["rooms"]):
        do_leave(sid, s, code)


def main():
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))  # sys.exit inside eventlet's hub prints a traceback
    print(f"flask-socketio peer on 127.0.0.1:{PORT}", flush=True)
    # What socketio.run() does for eventlet, with two defaults raised for the connect storm: the listen
    # backlog (eventlet's 50) and eventlet.wsgi's max_size (1024 greenthreads = 1024 connections).
    import eventlet.wsgi
    sock = eventlet.listen(("127.0.0.1", PORT), backlog=4096)
    eventlet.wsgi.server(sock, app, log_output=False, max_size=20000)


if __name__ == "__main__":
    main()
