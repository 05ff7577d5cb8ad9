/*
 * chat-server browser client (vanilla JS, no framework, no build step).
 *
 * One page serves the lobby (URL "/", room code "lobby") and every room (URL "/room/<code>").
 * It talks to the server over Socket.IO v4 (global `io` from /vendor/socket.io.min.js) using
 * protocol dialect "001"; see docs/protocol.md for the full protocol.
 *
 * Client -> server (all with an ack {ok, data} / {ok:false, error:{code, message}} unless noted):
 *   join_room    {room, username?, last_id?}  on every connect; last_id only on a reconnect
 *   message      {room, message}              composer
 *   typing       {room}                       while typing, at most every 2 s (no ack)
 *   stop_typing  {room}                       after 3 s idle or on send (no ack)
 *   set_username {username}                   "Set name"
 *   create_room  {}                           "Create room", then go to /room/<room_id>
 *
 * Server -> client:
 *   identity     {token, public_token, username, named, suggested_username, account}
 *                anonymous: token saved to localStorage "chat.token" and presented on the next connect;
 *                signed in (login session cookie): token is null and account is {username, is_admin}:
 *                nothing is stored and the name form is hidden (accounts rename on /profile)
 *   history      {room, messages, replay}  replay=false: clear and render; true: append
 *   message      a chat message {id, room, username, message|text, kind, created_at, public_token...}
 *   user_joined / user_left  {room, username, public_token, ...}  -> system line
 *   presence     {room, users: [{username, user_id, public_token}]}  -> sidebar list
 *   user_typing  {room, username, user_id, typing}  -> "X is typing…" (entries expire after 5 s)
 *   room_created {room_id, code, name}
 *   error        {code, message, event}
 *
 * Account area (header #account): /static/auth.js (window.ChatAccount) loads GET /api/me and shows
 * "Signed in as <name>" + Profile + Sign out, or Sign in + Register; an account that must still set up
 * two-factor authentication is sent to /2fa/setup.
 *
 * Security: every piece of user-provided text is inserted with textContent/createTextNode,
 * never as HTML. The page runs under CSP default-src 'self' (no inline script or style).
 *
 * Element ids used by tests: #messages (.msg[data-id] with .author and .text), #message-input,
 * #send-button, #name-input, #set-name-button, #presence (li.user), #presence-count, #typing,
 * #room-code, #status, #create-room, #join-code, #join-button, #error, #name-panel, #account,
 * #account-name, #account-profile, #account-logout, #account-login, #account-register.
 */
(function () {
  'use strict';

  // ---------------------------------------------------------------- constants & state

  const TOKEN_KEY = 'chat.token';
  const NAME_KEY = 'chat.username';
  const ROOM_RE = /^[A-Za-z0-9_-]{1,64}$/;
  const NAME_MAX = 20;
  const MESSAGE_MAX = 500;
  const ACK_TIMEOUT_MS = 10000;
  const TYPING_THROTTLE_MS = 2000; // emit `typing` at most this often
  const TYPING_IDLE_MS = 3000; // emit `stop_typing` after this long without input
  const TYPING_EXPIRE_MS = 5000; // forget someone's typing state after this long
  const BOTTOM_SLACK_PX = 40; // "at the bottom" tolerance for auto-scroll

  /** Room code from the URL: /room/<code> or a members-only /chat/<key> (URL-decoded), else the lobby. */
  function roomFromPath(pathname) {
    const m = /^\/(?:room|chat)\/([^/]+)\/?$/.exec(pathname);
    if (!m) return 'lobby';
    try {
      return decodeURIComponent(m[1]);
    } catch (e) {
      return m[1];
    }
  }

  const state = {
    room: roomFromPath(location.pathname),
    token: storageGet(TOKEN_KEY),
    publicToken: null, // ours, from `identity`
    username: null, // our current name as the server knows it
    everConnected: false, // false until the first `connect`: then a connect is a reconnect
    joined: false, // the current connection's join_room succeeded
    joinPromise: null, // resolves (true/false) when the pending join_room is answered
    historySeen: false, // a `history` event arrived for the current join
    shownIds: new Set(), // ids of every chat message rendered (no duplicates)
    lastId: null, // id of the last chat message rendered (for reconnect replay)
    nameDirty: false, // the user has edited the name input: don't overwrite it
    sending: false,
    typingSentAt: 0, // when we last emitted `typing` (0 = not typing)
    typingIdleTimer: null,
    typers: new Map(), // user key -> {username, timer}
    creatingRoom: false,
    banned: false,
    account: null, // {username, is_admin} when signed in (from `identity`), else null
  };

  // ---------------------------------------------------------------- DOM

  const $ = (id) => document.getElementById(id);
  const el = {
    roomCode: $('room-code'),
    lobbyLink: $('lobby-link'),
    copyButton: $('copy-button'),
    copyFeedback: $('copy-feedback'),
    status: $('status'),
    reconnectButton: $('reconnect-button'),
    sidebarToggle: $('sidebar-toggle'),
    sidebar: $('sidebar'),
    errorBar: $('error-bar'),
    error: $('error'),
    errorClose: $('error-close'),
    messages: $('messages'),
    jumpLatest: $('jump-latest'),
    typing: $('typing'),
    composer: $('composer'),
    messageInput: $('message-input'),
    sendButton: $('send-button'),
    namePanel: $('name-panel'),
    nameForm: $('name-form'),
    nameInput: $('name-input'),
    setNameButton: $('set-name-button'),
    presence: $('presence'),
    presenceCount: $('presence-count'),
    createRoom: $('create-room'),
    joinForm: $('join-form'),
    joinCode: $('join-code'),
    joinButton: $('join-button'),
  };

  // ---------------------------------------------------------------- small helpers

  function storageGet(key) {
    try {
      return localStorage.getItem(key);
    } catch (e) {
      return null; // storage disabled (privacy mode): behave as a first visit
    }
  }

  function storageSet(key, value) {
    try {
      localStorage.setItem(key, value);
    } catch (e) {
      /* ignore: the page still works, it just forgets on reload */
    }
  }

  /** Create an element with optional class names and text (always as text, never HTML). */
  function make(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function pad2(n) {
    return (n < 10 ? '0' : '') + n;
  }

  /** Epoch ms (or an ISO string as fallback) -> Date, or null. */
  function toDate(ms, iso) {
    let t = typeof ms === 'number' ? ms : Number(ms);
    if (!Number.isFinite(t) && iso) t = Date.parse(iso);
    return Number.isFinite(t) ? new Date(t) : null;
  }

  /** Local HH:MM (24 h). */
  function formatTime(date) {
    return pad2(date.getHours()) + ':' + pad2(date.getMinutes());
  }

  function sameRoom(room) {
    // Events without a room are for us; the socket only ever joins one room.
    return room === undefined || room === null || String(room).toLowerCase() === state.room.toLowerCase();
  }

  function roomUrl(room) {
    const prefix = location.pathname.startsWith('/chat/') ? '/chat/' : '/room/';
    return location.origin + (room === 'lobby' ? '/' : prefix + encodeURIComponent(room));
  }

  function errorText(error, fallback) {
    if (error && typeof error === 'object') return error.message || error.code || fallback;
    if (typeof error === 'string' && error) return error;
    return fallback;
  }

  // ---------------------------------------------------------------- errors & notices

  let errorHideTimer = null;
  let lastErrorShown = { text: '', at: 0 };

  /**
   * Show an error: #error keeps the last error text; a system line goes into the message list.
   * The server both answers the ack with an error and emits `error` for the same failure, so the
   * same text within a short window is shown only once.
   */
  function showError(text) {
    const now = Date.now();
    if (text === lastErrorShown.text && now - lastErrorShown.at < 1500) return;
    lastErrorShown = { text: text, at: now };
    el.error.textContent = text;
    el.errorBar.hidden = false;
    clearTimeout(errorHideTimer);
    errorHideTimer = setTimeout(() => {
      el.errorBar.hidden = true; // the text stays in #error as "the last error"
    }, 10000);
    addSystemLine(text, 'system error');
  }

  function addSystemLine(text, className) {
    const stick = isAtBottom();
    const li = make('li', className || 'system');
    li.setAttribute('dir', 'auto');
    li.appendChild(make('span', 'text', text));
    const time = make('time', 'time', formatTime(new Date()));
    li.appendChild(time);
    el.messages.appendChild(li);
    afterAppend(stick);
  }

  // ---------------------------------------------------------------- message list

  function isAtBottom() {
    const m = el.messages;
    return m.scrollHeight - m.scrollTop - m.clientHeight <= BOTTOM_SLACK_PX;
  }

  function scrollToBottom() {
    el.messages.scrollTop = el.messages.scrollHeight;
    el.jumpLatest.hidden = true;
  }

  function afterAppend(wasAtBottom) {
    if (wasAtBottom) scrollToBottom();
    else el.jumpLatest.hidden = false;
  }

  function isOwn(msg) {
    const who = msg.public_token || msg.user_id;
    return !!state.publicToken && who === state.publicToken;
  }

  /** Build the element for one chat message. */
  function messageElement(msg) {
    const kind = msg.kind || 'text';
    const system = kind === 'system';
    const own = !system && isOwn(msg);
    const li = make('li', 'msg ' + (system ? 'system' : own ? 'own' : 'other'));
    li.dataset.id = String(msg.id);
    const who = msg.public_token || msg.user_id;
    if (who) li.dataset.user = String(who);
    li.setAttribute('dir', 'auto');

    const meta = make('div', 'meta');
    meta.appendChild(make('span', 'author', msg.username || 'unknown'));
    const date = toDate(msg.created_at, msg.timestamp);
    if (date) {
      const time = make('time', 'time', formatTime(date));
      time.dateTime = date.toISOString();
      time.title = date.toLocaleString();
      meta.appendChild(time);
    }
    li.appendChild(meta);

    const body = msg.message !== undefined && msg.message !== null ? msg.message : msg.text;
    const text = make('div', 'text', body === undefined || body === null ? '' : body);
    text.setAttribute('dir', 'auto');
    li.appendChild(text);
    return li;
  }

  /** Render one chat message unless it is already shown. Returns true if it was added. */
  function addMessage(msg, opts) {
    if (!msg || typeof msg !== 'object' || msg.id === undefined || msg.id === null) return false;
    const key = String(msg.id);
    if (state.shownIds.has(key)) return false;
    state.shownIds.add(key);
    state.lastId = msg.id;
    const stick = opts && opts.forceScroll ? true : isAtBottom();
    el.messages.appendChild(messageElement(msg));
    afterAppend(stick);
    return true;
  }

  function clearMessages() {
    el.messages.replaceChildren();
    state.shownIds.clear();
    state.lastId = null;
  }

  /** Apply a history payload: replay=false -> clear and render all; true -> append new ones. */
  function applyHistory(data) {
    if (!data || !sameRoom(data.room)) return;
    const messages = Array.isArray(data.messages) ? data.messages : [];
    if (!data.replay) clearMessages();
    for (const msg of messages) addMessage(msg, { forceScroll: !data.replay });
    if (!data.replay) scrollToBottom();
  }

  /** Own/other classes depend on our public token, which may arrive after some messages. */
  function reclassifyMessages() {
    for (const li of el.messages.querySelectorAll('.msg[data-user]')) {
      if (li.classList.contains('system')) continue;
      const own = li.dataset.user === state.publicToken;
      li.classList.toggle('own', own);
      li.classList.toggle('other', !own);
    }
  }

  // ---------------------------------------------------------------- presence & typing

  function renderPresence(users) {
    if (!Array.isArray(users)) return;
    const items = [];
    for (const u of users) {
      const name = typeof u === 'string' ? u : u && u.username;
      if (!name) continue;
      const li = make('li', 'user', name);
      li.setAttribute('dir', 'auto');
      const who = u && typeof u === 'object' ? u.public_token || u.user_id : null;
      if (who) li.dataset.user = String(who);
      if (who && who === state.publicToken) li.classList.add('me');
      items.push(li);
    }
    el.presence.replaceChildren(...items);
    el.presenceCount.textContent = String(items.length);
  }

  function typerKey(data) {
    return String(data.user_id || data.public_token || data.username || '');
  }

  function setTyper(data, typing) {
    const key = typerKey(data);
    if (!key) return;
    const old = state.typers.get(key);
    if (old) clearTimeout(old.timer);
    if (typing) {
      const timer = setTimeout(() => {
        state.typers.delete(key);
        renderTyping();
      }, TYPING_EXPIRE_MS);
      state.typers.set(key, { username: data.username || 'Someone', timer: timer });
    } else {
      state.typers.delete(key);
    }
    renderTyping();
  }

  function renderTyping() {
    const names = Array.from(state.typers.values(), (t) => t.username);
    let text = '';
    if (names.length === 1) text = names[0] + ' is typing…';
    else if (names.length === 2) text = names[0] + ' and ' + names[1] + ' are typing…';
    else if (names.length > 2) text = names[0] + ', ' + names[1] + ' and ' + (names.length - 2) + ' more are typing…';
    el.typing.textContent = text;
  }

  function clearTypers() {
    for (const t of state.typers.values()) clearTimeout(t.timer);
    state.typers.clear();
    renderTyping();
  }

  // ---------------------------------------------------------------- connection status

  function setStatus(s) {
    el.status.textContent = s;
    el.status.dataset.state = s;
    el.reconnectButton.hidden = !(s === 'disconnected' && !state.banned);
    document.body.dataset.connection = s;
  }

  // ---------------------------------------------------------------- socket

  if (typeof window.io !== 'function') {
    setStatus('disconnected');
    showError('Could not load the chat client (socket.io).');
    return;
  }

  const socket = window.io({
    auth: { token: state.token || undefined, dialect: '001' },
    transports: ['websocket', 'polling'],
  });

  /**
   * Emit with an ack and a timeout. Resolves to the server's {ok, data|error} answer, or to
   * {ok:false, error:{code:'timeout'}} if none arrives in time (a late answer is ignored).
   */
  function request(event, payload) {
    return new Promise((resolve) => {
      let done = false;
      const timer = setTimeout(() => {
        if (done) return;
        done = true;
        resolve({ ok: false, error: { code: 'timeout', message: 'No answer from the server, try again.' } });
      }, ACK_TIMEOUT_MS);
      socket.emit(event, payload, (res) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(res && typeof res === 'object' ? res : { ok: false, error: { code: 'bad_response', message: 'Unexpected answer from the server.' } });
      });
    });
  }

  /** join_room on every (re)connect; on a reconnect ask only for what we missed (last_id). */
  function joinRoom(isReconnect) {
    const payload = { room: state.room };
    const storedName = storageGet(NAME_KEY);
    if (storedName && !state.account) payload.username = storedName; // accounts keep their name
    if (isReconnect && state.lastId !== null) payload.last_id = state.lastId;
    state.joined = false;
    state.historySeen = false;
    state.joinPromise = request('join_room', payload).then((res) => {
      if (res.ok) {
        const data = res.data || {};
        state.joined = true;
        if (data.room && sameRoom(data.room)) state.room = String(data.room);
        if (data.username) adoptUsername(data.username);
        // Normally the `history` event already rendered the messages; use the ack's copy only
        // if that event did not come (addMessage skips anything already shown).
        if (!state.historySeen && Array.isArray(data.messages)) {
          applyHistory({ room: data.room, messages: data.messages, replay: !!data.replay });
        }
        if (Array.isArray(data.users)) renderPresence(data.users);
        return true;
      }
      const err = res.error || {};
      if (err.code === 'username_taken') {
        // Same text as the server's `error` event, so it is shown once; then let the user
        // pick another name: "Set name" joins again once the new name is accepted.
        showError(errorText(err, 'That name is already taken.'));
        storageRemoveName();
        el.nameInput.placeholder = 'Pick another name';
        el.nameInput.focus();
        el.nameInput.select();
      } else {
        showError(errorText(err, 'Could not join the room.'));
      }
      return false;
    });
    return state.joinPromise;
  }

  function storageRemoveName() {
    try {
      localStorage.removeItem(NAME_KEY);
    } catch (e) {
      /* ignore */
    }
  }

  /** The server confirmed our name: remember it and show it unless the user is editing. */
  function adoptUsername(name) {
    state.username = name;
    if (!state.nameDirty) el.nameInput.value = name;
  }

  socket.on('connect', () => {
    const isReconnect = state.everConnected;
    state.everConnected = true;
    setStatus('connected');
    clearTypers();
    joinRoom(isReconnect);
  });

  socket.on('disconnect', (reason) => {
    state.joined = false;
    state.typingSentAt = 0;
    clearTypers();
    // The client reconnects by itself unless the disconnect was deliberate.
    setStatus(socket.active ? 'reconnecting' : 'disconnected');
    if (reason === 'io server disconnect' && !state.banned) showError('Disconnected by the server.');
  });

  socket.on('connect_error', (err) => {
    const code = err && err.data && err.data.code;
    if ((err && err.message === 'banned') || code === 'banned') {
      state.banned = true;
      setStatus('disconnected');
      showError((err.data && err.data.message) || 'You are banned from this chat.');
      return;
    }
    setStatus(socket.active ? 'reconnecting' : 'disconnected');
  });

  socket.io.on('reconnect_attempt', () => setStatus('reconnecting'));
  socket.io.on('reconnect_failed', () => setStatus('disconnected'));

  /** Signed in: the account's name is fixed here (it changes on /profile), so no name form. */
  function setAccountMode(signedIn) {
    el.namePanel.hidden = signedIn;
  }

  socket.on('identity', (data) => {
    if (!data || typeof data !== 'object') return;
    state.account = data.account && typeof data.account === 'object' ? data.account : null;
    setAccountMode(!!state.account);
    // Signed in, the login session (HttpOnly cookie) is the credential and token is null: nothing to
    // keep; an anonymous token stored earlier stays for when this browser signs out.
    if (!state.account && data.token) {
      state.token = data.token;
      storageSet(TOKEN_KEY, data.token);
      socket.auth.token = data.token; // present it on automatic reconnects too
    }
    if (data.public_token) {
      state.publicToken = data.public_token;
      reclassifyMessages();
    }
    const storedName = storageGet(NAME_KEY);
    if (data.username) state.username = data.username;
    if (!state.nameDirty) {
      if (storedName) el.nameInput.value = storedName;
      else if (data.suggested_username) el.nameInput.value = data.suggested_username;
      else if (data.username) el.nameInput.value = data.username;
    }
  });

  socket.on('history', (data) => {
    if (!data || !sameRoom(data.room)) return;
    state.historySeen = true;
    applyHistory(data);
  });

  socket.on('message', (msg) => {
    if (!msg || typeof msg !== 'object' || !sameRoom(msg.room)) return;
    addMessage(msg);
    // Someone who just sent a message is no longer typing it.
    if (msg.user_id || msg.public_token) setTyper(msg, false);
  });

  socket.on('user_joined', (data) => {
    if (!data || !sameRoom(data.room)) return;
    addSystemLine((data.username || 'Someone') + ' joined', 'system join');
  });

  socket.on('user_left', (data) => {
    if (!data || !sameRoom(data.room)) return;
    addSystemLine((data.username || 'Someone') + ' left', 'system leave');
    setTyper(data, false);
  });

  // seed 003: the room's creator removed someone (maybe us).
  socket.on('user_kicked', (data) => {
    if (!data || !sameRoom(data.room)) return;
    if (state.publicToken && data.kicked_user_id === state.publicToken) {
      state.joined = false;
      addSystemLine(data.message || 'You were removed from the room.', 'system leave');
      showError(data.message || 'You were removed from the room.');
      return;
    }
    addSystemLine('A user was removed from the room.', 'system leave');
  });

  // An admin moved this socket to another room (the server already joined it there): follow it.
  socket.on('moved', (data) => {
    if (!data || typeof data.to !== 'string') return;
    state.joined = false;
    location.href = roomUrl(data.to);
  });

  socket.on('room_deleted', (data) => {
    if (!data || !sameRoom(data.room)) return;
    state.joined = false;
    addSystemLine(data.message || 'The room was deleted.', 'system leave');
    showError(data.message || 'The room was deleted.');
  });

  socket.on('presence', (data) => {
    if (!data || !sameRoom(data.room)) return;
    renderPresence(data.users);
    // A rename shows up here: keep our own name in step.
    if (Array.isArray(data.users) && state.publicToken) {
      const me = data.users.find((u) => u && (u.public_token || u.user_id) === state.publicToken);
      if (me && me.username && me.username !== state.username) adoptUsername(me.username);
    }
  });

  socket.on('user_typing', (data) => {
    if (!data || !sameRoom(data.room)) return;
    if (state.publicToken && (data.user_id || data.public_token) === state.publicToken) return; // our other tab
    setTyper(data, data.typing !== false);
  });

  socket.on('room_created', (data) => {
    // The create_room ack navigates; this event is the fallback if the ack was lost.
    if (state.creatingRoom && data && (data.room_id || data.code)) goToRoom(String(data.room_id || data.code));
  });

  socket.on('error', (data) => {
    const err = data && typeof data === 'object' ? data : { message: String(data) };
    if (err.code === '2fa_required') {
      location.href = '/2fa/setup'; // this server requires two-factor authentication first
      return;
    }
    if (err.code === 'login_required') {
      location.href = '/login' + (inLobby ? '' : '?next=' + encodeURIComponent('/room/' + state.room));
      return;
    }
    if (err.code === 'banned') {
      state.banned = true;
      setStatus('disconnected');
    }
    showError(errorText(err, 'Something went wrong.'));
  });

  // ---------------------------------------------------------------- composer & typing

  function emitStopTyping() {
    clearTimeout(state.typingIdleTimer);
    state.typingIdleTimer = null;
    if (state.typingSentAt && socket.connected && state.joined) socket.emit('stop_typing', { room: state.room });
    state.typingSentAt = 0;
  }

  function onComposerInput() {
    if (!socket.connected || !state.joined) return;
    if (el.messageInput.value.trim() === '') {
      emitStopTyping();
      return;
    }
    const now = Date.now();
    if (now - state.typingSentAt >= TYPING_THROTTLE_MS) {
      socket.emit('typing', { room: state.room });
      state.typingSentAt = now;
    }
    clearTimeout(state.typingIdleTimer);
    state.typingIdleTimer = setTimeout(emitStopTyping, TYPING_IDLE_MS);
  }

  async function sendMessage() {
    if (state.sending) return;
    const text = el.messageInput.value;
    const trimmed = text.trim();
    if (!trimmed) return;
    if (trimmed.length > MESSAGE_MAX) {
      showError('Message is too long (at most ' + MESSAGE_MAX + ' characters).');
      return;
    }
    if (!socket.connected) {
      showError('Not connected: the message was not sent.');
      return;
    }
    state.sending = true;
    el.sendButton.disabled = true;
    try {
      // A send right after (re)connecting waits for the join to finish.
      if (!state.joined && state.joinPromise) await state.joinPromise;
      emitStopTyping();
      const res = await request('message', { room: state.room, message: text });
      if (res.ok) {
        // Clear only on success, and only if the user has not started another message.
        if (el.messageInput.value === text) el.messageInput.value = '';
        if (res.data && typeof res.data === 'object') addMessage(res.data, { forceScroll: true });
        scrollToBottom();
      } else {
        showError(errorText(res.error, 'The message could not be sent.'));
      }
    } finally {
      state.sending = false;
      el.sendButton.disabled = false;
      el.messageInput.focus();
    }
  }

  el.composer.addEventListener('submit', (ev) => {
    ev.preventDefault();
    sendMessage();
  });

  el.messageInput.addEventListener('keydown', (ev) => {
    // Enter sends, Shift+Enter is a newline; never interrupt an IME composition.
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing && ev.keyCode !== 229) {
      ev.preventDefault();
      sendMessage();
    }
  });

  el.messageInput.addEventListener('input', onComposerInput);

  // ---------------------------------------------------------------- name

  async function setName() {
    const name = el.nameInput.value.trim();
    if (!name) {
      showError('Please enter a name.');
      return;
    }
    if (name.length > NAME_MAX) {
      showError('Names are at most ' + NAME_MAX + ' characters.');
      return;
    }
    if (!socket.connected) {
      showError('Not connected: try again when the connection is back.');
      return;
    }
    el.setNameButton.disabled = true;
    try {
      const res = await request('set_username', { username: name });
      if (res.ok) {
        const confirmed = (res.data && res.data.username) || name;
        storageSet(NAME_KEY, confirmed);
        state.nameDirty = false;
        adoptUsername(confirmed);
        // A join refused for a taken name: try again now that we have another one.
        if (!state.joined && state.joinPromise) {
          await state.joinPromise;
          if (!state.joined) joinRoom(false);
        }
      } else {
        showError(errorText(res.error, 'Could not set the name.'));
        el.nameInput.focus();
      }
    } finally {
      el.setNameButton.disabled = false;
    }
  }

  el.nameForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    setName();
  });

  // Focus counts as editing: a name arriving from the server must not replace what the user is typing.
  for (const ev of ['focus', 'input']) {
    el.nameInput.addEventListener(ev, () => {
      state.nameDirty = true;
    });
  }

  // ---------------------------------------------------------------- rooms

  function goToRoom(code) {
    location.href = '/room/' + encodeURIComponent(code);
  }

  el.createRoom.addEventListener('click', async () => {
    if (!socket.connected) {
      showError('Not connected: cannot create a room now.');
      return;
    }
    state.creatingRoom = true;
    el.createRoom.disabled = true;
    const res = await request('create_room', {});
    if (res.ok && res.data && (res.data.room_id || res.data.code)) {
      goToRoom(String(res.data.room_id || res.data.code));
      return;
    }
    state.creatingRoom = false;
    el.createRoom.disabled = false;
    showError(errorText(res.error, 'Could not create a room.'));
  });

  el.joinForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    let code = el.joinCode.value.trim();
    // Accept a pasted room link as well as a bare code.
    const fromUrl = /\/room\/([^/?#]+)/.exec(code);
    if (fromUrl) code = roomFromPath('/room/' + fromUrl[1]);
    if (!ROOM_RE.test(code)) {
      showError('Room codes are 1-64 letters, digits, "_" or "-".');
      el.joinCode.focus();
      return;
    }
    goToRoom(code);
  });

  // ---------------------------------------------------------------- header

  let copyFeedbackTimer = null;

  function copyFeedback(text) {
    el.copyFeedback.textContent = text;
    clearTimeout(copyFeedbackTimer);
    copyFeedbackTimer = setTimeout(() => {
      el.copyFeedback.textContent = '';
    }, 4000);
  }

  /** Fallback for non-secure contexts: a temporary textarea and execCommand('copy'). */
  function legacyCopy(text) {
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.className = 'offscreen';
    document.body.appendChild(ta);
    ta.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch (e) {
      ok = false;
    }
    ta.remove();
    return ok;
  }

  el.copyButton.addEventListener('click', async () => {
    const url = roomUrl(state.room);
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(url);
        copyFeedback('Link copied');
        return;
      }
    } catch (e) {
      /* fall through to the fallback */
    }
    if (legacyCopy(url)) copyFeedback('Link copied');
    else copyFeedback('Copy this link: ' + url);
  });

  el.reconnectButton.addEventListener('click', () => {
    setStatus('reconnecting');
    socket.connect();
  });

  el.errorClose.addEventListener('click', () => {
    el.errorBar.hidden = true;
  });

  el.jumpLatest.addEventListener('click', scrollToBottom);
  el.messages.addEventListener('scroll', () => {
    if (isAtBottom()) el.jumpLatest.hidden = true;
  });

  el.sidebarToggle.addEventListener('click', () => {
    const open = el.sidebar.classList.toggle('open');
    el.sidebarToggle.setAttribute('aria-expanded', String(open));
  });

  // ---------------------------------------------------------------- initial render

  const inLobby = state.room === 'lobby';
  el.roomCode.textContent = state.room;
  el.lobbyLink.hidden = inLobby;
  document.title = (inLobby ? 'Lobby' : state.room) + ' · Chat';
  el.nameInput.value = storageGet(NAME_KEY) || '';
  setStatus('connecting');

  // Account area: filled by auth.js from /api/me (absent auth.js: the chat still works).
  if (window.ChatAccount) {
    window.ChatAccount.load().then((me) => {
      if (!me || !me.logged_in) return;
      if (me.must_setup_2fa) {
        location.href = '/2fa/setup';
        return;
      }
      setAccountMode(true);
    });
  }
})();
