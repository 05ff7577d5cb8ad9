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
 *   file_share   {room, file_id}              after an upload (attach button or voice recorder)
 *
 * HTTP (same origin):
 *   GET  /api/upload_limits   {max_bytes, allowed_types, ...}: a too-large file is refused before sending
 *   POST /api/upload_file     multipart {file, room} with header X-Chat-Token: the secret token
 *                             -> {ok, data: {file_id, name, size, type, url}} | {error: {code, message}}
 *   GET  /api/download_file/<id>  what <img>/<audio>/<video>/download links load; the cookie chat_token
 *                             (set from `identity`, SameSite=Strict) lets private rooms' files load
 *
 * Server -> client:
 *   identity     {token, public_token, username, named, suggested_username, account}
 *                anonymous: token saved to localStorage "chat.token" and presented on the next connect;
 *                signed in (login session cookie): token is null and account is {username, is_admin}:
 *                nothing is stored and the name form is hidden (accounts rename on /profile)
 *   history      {room, messages, replay}  replay=false: clear and render; true: append
 *   message      a chat message {id, room, username, message|text, kind, created_at, public_token...}
 *                kind "file" adds file {id, name, size, type, url}: an image preview (click opens it), an
 *                audio or video player, or a download chip with the size
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
 * Rich chat (issue #7; docs/protocol.md):
 *   reactions    hover/click a message: .react-button opens .emoji-picker; .reaction buttons toggle
 *                add_reaction / remove_reaction; `message_reaction` updates .reactions
 *   edit/delete  own messages (admins: any): .edit-button (inline .edit-form) / .delete-button ->
 *                edit_message / delete_message; `message_edited` adds .edited-mark, `message_deleted` blanks it
 *   read marks   `read {room, message_id}` for the newest message while the page is visible; `read`
 *                events and the join ack's `reads` show "Seen by" (.seen-by) under own messages
 *   presence     set_presence away/online on tab visibility; `user_status` sets li.user[data-status]
 *   DMs          click someone in #presence (or #conversations) -> #dm-panel: dm_history, private_message,
 *                `private_message` events; #conversations lists list_conversations with unread badges
 *   polls        #poll-form -> create_poll; #polls cards from the join ack's `polls` and `poll_updated`;
 *                .poll-vote -> vote_poll, .poll-close -> close_poll
 *   settings     #theme-select (light/dark/blue/green), #sound-toggle (WebAudio beep on new messages,
 *                two tones on an @mention of us), #lang-select (en/fa via /static/i18n.js): saved to the
 *                account's prefs (POST /update_profile) when signed in, else to localStorage
 *   text         @mentions as span.mention (.mention-me for us); http(s) links as <a rel="noopener
 *                noreferrer nofollow" target="_blank">, built with textContent; dir="auto" everywhere
 *
 * Element ids used by tests: #messages (.msg[data-id] with .author and .text; file messages .msg.file
 * with img.file-image, audio.file-audio, video.file-video or a.file-chip), #message-input,
 * #send-button, #name-input, #set-name-button, #presence (li.user), #presence-count, #typing,
 * #room-code, #status, #create-room, #join-code, #join-button, #error, #name-panel, #account,
 * #account-name, #account-profile, #account-logout, #account-login, #account-register, #file-input,
 * #attach-button, #record-button (data-state idle|starting|recording|uploading), #upload-status.
 *
 * URLs of shared files are only ever taken from the server's `file.url`, and only when it is a
 * same-origin /api/download_file/<32 hex> path.
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
  const FILE_URL_RE = /^\/api\/download_file\/[0-9a-f]{32}$/;
  const RECORD_MAX_MS = 5 * 60 * 1000; // a voice note stops by itself after 5 minutes
  const RECORD_TYPES = ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus', 'audio/ogg', 'audio/mp4'];
  const THEME_KEY = 'chat.theme';
  const SOUND_KEY = 'chat.sound';
  const THEMES = ['light', 'dark', 'blue', 'green'];
  const EMOJIS = ['👍', '❤️', '😂', '😮', '😢', '🎉'];
  const READ_THROTTLE_MS = 1000;
  const URL_RE = /https?:\/\/[^\s<>"']+/g;
  const MENTION_RE = /@[\p{L}\p{N}_.-]{1,20}/gu;

  /** Translation of an English UI string (window.ChatI18n from /static/i18n.js; English without it). */
  function t(key) {
    return window.ChatI18n ? window.ChatI18n.t(key) : key;
  }

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
    uploadMaxBytes: null, // from /api/upload_limits; null until known (the server checks anyway)
    uploading: false,
    recorder: null, // {media, stream, chunks, timer, startedAt, stopTimer} while recording
    messages: new Map(), // id -> last known payload of every rendered chat message (for re-rendering)
    reads: new Map(), // reader public token -> {username, message_id}: read marks of this room
    lastReadSent: 0, // newest id we sent a `read` for
    readTimer: null,
    polls: new Map(), // poll id -> poll payload (with my_votes)
    status: new Map(), // public token -> online | away | offline
    dm: null, // open conversation: {userId, username, room}
    prefs: null, // account prefs from /api/me (signed in), else null
    sound: false,
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
    fileInput: $('file-input'),
    attachButton: $('attach-button'),
    recordButton: $('record-button'),
    uploadStatus: $('upload-status'),
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

  /** Human size: 512 B, 1.4 KB, 23.5 MB. */
  function humanSize(bytes) {
    const n = Number(bytes);
    if (!Number.isFinite(n) || n < 0) return '';
    if (n < 1024) return n + ' B';
    if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KB';
    return (n / (1024 * 1024)).toFixed(1) + ' MB';
  }

  /**
   * The body of a file message: an image preview (a link that opens the full image), an audio or
   * video player, or a download chip; always with the name and size as text. Null when the
   * message has no usable file (then it shows as text only).
   */
  function fileElement(file) {
    if (!file || typeof file !== 'object' || typeof file.url !== 'string' || !FILE_URL_RE.test(file.url)) return null;
    const name = typeof file.name === 'string' && file.name ? file.name : 'file';
    const type = typeof file.type === 'string' ? file.type : '';
    const size = humanSize(file.size);
    const box = make('div', 'file');
    if (type.startsWith('image/')) {
      const link = make('a', 'file-open');
      link.href = file.url;
      link.target = '_blank';
      link.rel = 'noopener';
      link.title = 'Open ' + name;
      const img = make('img', 'file-image');
      img.src = file.url;
      img.alt = name;
      img.loading = 'lazy';
      img.decoding = 'async';
      link.appendChild(img);
      box.appendChild(link);
    } else if (type.startsWith('audio/')) {
      const audio = make('audio', 'file-audio');
      audio.controls = true;
      audio.preload = 'metadata';
      audio.src = file.url;
      box.appendChild(audio);
    } else if (type.startsWith('video/')) {
      const video = make('video', 'file-video');
      video.controls = true;
      video.preload = 'metadata';
      video.src = file.url;
      box.appendChild(video);
    } else {
      const chip = make('a', 'file-chip');
      chip.href = file.url;
      chip.download = name;
      chip.appendChild(make('span', 'file-chip-name', name));
      chip.appendChild(make('span', 'file-size', size));
      box.appendChild(chip);
      return box;
    }
    const caption = make('div', 'file-caption');
    const open = make('a', 'file-name', name);
    open.href = file.url;
    open.download = name;
    caption.appendChild(open);
    caption.appendChild(make('span', 'file-size', size));
    box.appendChild(caption);
    return box;
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
    if (msg.edited && !msg.deleted) {
      const mark = make('span', 'edited-mark', t('edited'));
      const at = toDate(msg.edited_at);
      if (at) mark.title = at.toLocaleString();
      meta.appendChild(mark);
    }
    li.appendChild(meta);

    if (msg.deleted) {
      li.classList.add('deleted');
      const gone = make('div', 'text deleted-text', t('This message was deleted.'));
      gone.setAttribute('dir', 'auto');
      li.appendChild(gone);
      return li;
    }
    const body = msg.message !== undefined && msg.message !== null ? msg.message : msg.text;
    const text = make('div', 'text');
    appendRichText(text, body === undefined || body === null ? '' : String(body));
    text.setAttribute('dir', 'auto');
    const file = kind === 'file' ? fileElement(msg.file) : null;
    if (file) {
      li.classList.add('file');
      text.hidden = true; // the name is shown (once) in the file's caption or chip
      li.appendChild(file);
    }
    li.appendChild(text);
    if (!system) {
      li.appendChild(reactionsElement(msg));
      li.appendChild(actionsElement(msg, own));
      if (own) li.appendChild(make('div', 'seen-by'));
    }
    return li;
  }

  /**
   * Appends text to a node with @mentions as span.mention (span.mention-me when it names us) and http(s)
   * links as anchors; everything else as text nodes. The node's textContent equals the text exactly.
   */
  function appendRichText(node, text) {
    const tokens = [];
    for (const m of text.matchAll(URL_RE)) {
      let url = m[0].replace(/[.,;:!?)\]]+$/, '');
      tokens.push({ start: m.index, end: m.index + url.length, kind: 'link', text: url });
    }
    for (const m of text.matchAll(MENTION_RE)) {
      const start = m.index;
      if (start > 0 && /[\p{L}\p{N}_]/u.test(text[start - 1])) continue; // e-mail addresses are not mentions
      if (tokens.some((k) => start < k.end && start + m[0].length > k.start)) continue;
      tokens.push({ start: start, end: start + m[0].length, kind: 'mention', text: m[0] });
    }
    tokens.sort((a, b) => a.start - b.start);
    let at = 0;
    for (const k of tokens) {
      if (k.start < at) continue;
      if (k.start > at) node.appendChild(document.createTextNode(text.slice(at, k.start)));
      node.appendChild(k.kind === 'link' ? linkElement(k.text) : mentionElement(k.text));
      at = k.end;
    }
    if (at < text.length) node.appendChild(document.createTextNode(text.slice(at)));
  }

  /** A safe link: http(s) only (else plain text), opened in a new tab without opener or referrer. */
  function linkElement(raw) {
    let url = null;
    try {
      url = new URL(raw);
    } catch (e) {
      url = null;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return document.createTextNode(raw);
    const a = make('a', 'link', raw);
    a.href = url.href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer nofollow';
    a.setAttribute('dir', 'auto');
    return a;
  }

  function mentionElement(raw) {
    const span = make('span', 'mention', raw);
    span.setAttribute('dir', 'auto'); // isolated: "@name" keeps its order inside right-to-left text
    const me = state.username && raw.slice(1).toLowerCase() === state.username.toLowerCase();
    if (me) span.classList.add('mention-me');
    return span;
  }

  function mentionsMe(msg) {
    if (!state.username) return false;
    const body = String(msg.message || msg.text || '');
    for (const m of body.matchAll(MENTION_RE)) {
      if (m[0].slice(1).toLowerCase() === state.username.toLowerCase()) return true;
    }
    return false;
  }

  /** .reactions: one button per emoji with its count; ours are .mine and clicking toggles ours. */
  function reactionsElement(msg) {
    const box = make('div', 'reactions');
    const r = msg.reactions && typeof msg.reactions === 'object' ? msg.reactions : null;
    const counts = r && r.counts && typeof r.counts === 'object' ? r.counts : {};
    const users = r && r.users && typeof r.users === 'object' ? r.users : {};
    for (const emoji of Object.keys(counts)) {
      const n = Number(counts[emoji]);
      if (!(n > 0)) continue;
      const mine = Array.isArray(users[emoji]) && users[emoji].indexOf(state.publicToken) >= 0;
      const b = make('button', 'reaction' + (mine ? ' mine' : ''), emoji + ' ' + n);
      b.type = 'button';
      b.dataset.emoji = emoji;
      b.setAttribute('aria-pressed', String(mine));
      b.addEventListener('click', () => react(msg.id, emoji, !mine));
      box.appendChild(b);
    }
    return box;
  }

  /** .msg-actions: React (emoji picker), and Edit / Delete on own messages (admins: every message). */
  function actionsElement(msg, own) {
    const box = make('div', 'msg-actions');
    const reactButton = make('button', 'react-button', '☺+');
    reactButton.type = 'button';
    reactButton.title = t('React');
    reactButton.setAttribute('aria-label', t('React'));
    const picker = make('div', 'emoji-picker');
    picker.hidden = true;
    for (const e of EMOJIS) {
      const b = make('button', 'emoji', e);
      b.type = 'button';
      b.addEventListener('click', () => {
        picker.hidden = true;
        react(msg.id, e, true);
      });
      picker.appendChild(b);
    }
    reactButton.addEventListener('click', () => {
      picker.hidden = !picker.hidden;
    });
    box.appendChild(reactButton);
    box.appendChild(picker);
    const admin = !!(state.account && state.account.is_admin);
    if (own || admin) {
      const edit = make('button', 'edit-button', t('Edit'));
      edit.type = 'button';
      edit.addEventListener('click', () => startEdit(msg));
      const del = make('button', 'delete-button', t('Delete'));
      del.type = 'button';
      del.addEventListener('click', () => {
        if (window.confirm(t('Delete this message?'))) changeMessage('delete_message', { message_id: msg.id });
      });
      box.appendChild(edit);
      box.appendChild(del);
    }
    return box;
  }

  async function react(id, emoji, add) {
    const res = await request(add ? 'add_reaction' : 'remove_reaction', { message_id: id, emoji: emoji });
    if (!res.ok) showError(errorText(res.error, 'Could not react.'));
    else if (res.data && res.data.counts) updateMessage(id, { reactions: { counts: res.data.counts, users: res.data.users } });
  }

  /** Inline edit: the text becomes an input; Enter saves (edit_message), Escape cancels. */
  function startEdit(msg) {
    const li = el.messages.querySelector('li.msg[data-id="' + CSS.escape(String(msg.id)) + '"]');
    if (!li || li.querySelector('.edit-form')) return;
    const form = make('form', 'edit-form');
    const input = make('input', 'edit-input');
    input.type = 'text';
    input.maxLength = MESSAGE_MAX;
    input.setAttribute('dir', 'auto');
    input.value = String(msg.message || msg.text || '');
    const save = make('button', 'btn btn-small', t('Edit'));
    save.type = 'submit';
    form.appendChild(input);
    form.appendChild(save);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      await changeMessage('edit_message', { message_id: msg.id, message: text });
    });
    input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') rerenderMessage(msg.id);
    });
    li.querySelector('.text').replaceWith(form);
    input.focus();
  }

  async function changeMessage(event, payload) {
    const res = await request(event, payload);
    if (!res.ok) {
      showError(errorText(res.error, 'Could not change the message.'));
      rerenderMessage(payload.message_id);
      return;
    }
    const d = res.data || {};
    if (event === 'delete_message') updateMessage(payload.message_id, { deleted: true, message: '', text: '' });
    else updateMessage(payload.message_id, { message: d.message, text: d.text, edited: true, edited_at: d.edited_at });
  }

  /** Merges changed fields into a rendered message and renders it again. */
  function updateMessage(id, patch) {
    const key = String(id);
    const msg = state.messages.get(key);
    if (!msg) return;
    state.messages.set(key, Object.assign({}, msg, patch));
    rerenderMessage(id);
  }

  function rerenderMessage(id) {
    const key = String(id);
    const msg = state.messages.get(key);
    const li = el.messages.querySelector('li.msg[data-id="' + CSS.escape(key) + '"]');
    if (msg && li) li.replaceWith(messageElement(msg));
    renderSeenBy();
  }

  /**
   * "Seen by": each reader is listed under the newest own message their read mark reaches (not under every
   * older one too), like most messengers.
   */
  function renderSeenBy() {
    const own = Array.from(el.messages.querySelectorAll('li.msg.own[data-id]'));
    const ids = own.map((li) => Number(li.dataset.id));
    const byMessage = new Map();
    for (const [who, r] of state.reads) {
      if (who === state.publicToken) continue;
      let best = null;
      for (const id of ids) if (id <= Number(r.message_id) && (best === null || id > best)) best = id;
      if (best === null) continue;
      if (!byMessage.has(best)) byMessage.set(best, []);
      byMessage.get(best).push(r.username || '?');
    }
    own.forEach((li, i) => {
      const box = li.querySelector('.seen-by');
      if (!box) return;
      const names = byMessage.get(ids[i]);
      box.textContent = names ? t('Seen by') + ': ' + names.join('، ') : '';
      box.setAttribute('dir', 'auto');
    });
  }

  /** Render one chat message unless it is already shown. Returns true if it was added. */
  function addMessage(msg, opts) {
    if (!msg || typeof msg !== 'object' || msg.id === undefined || msg.id === null) return false;
    const key = String(msg.id);
    if (state.shownIds.has(key)) return false;
    state.shownIds.add(key);
    state.messages.set(key, msg);
    state.lastId = msg.id;
    const stick = opts && opts.forceScroll ? true : isAtBottom();
    el.messages.appendChild(messageElement(msg));
    afterAppend(stick);
    if (isOwn(msg)) renderSeenBy();
    scheduleRead();
    if (opts && opts.live && !isOwn(msg)) notify(mentionsMe(msg) ? 'mention' : 'message');
    return true;
  }

  function clearMessages() {
    el.messages.replaceChildren();
    state.shownIds.clear();
    state.messages.clear();
    state.lastId = null;
  }

  /** Apply a history payload: replay=false -> clear and render all; true -> append new ones. */
  function applyHistory(data) {
    if (!data || !sameRoom(data.room)) return;
    const messages = Array.isArray(data.messages) ? data.messages : [];
    if (!data.replay) clearMessages();
    for (const msg of messages) addMessage(msg, { forceScroll: !data.replay });
    if (!data.replay) scrollToBottom();
    renderSeenBy();
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
      if (who) li.dataset.status = state.status.get(String(who)) || 'online';
      if (who && who !== state.publicToken) {
        li.classList.add('dm-able');
        li.tabIndex = 0;
        li.title = t('Private message');
        li.addEventListener('click', () => openDm(String(who), name));
        li.addEventListener('keydown', (ev) => {
          if (ev.key === 'Enter') openDm(String(who), name);
        });
      }
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
    if (names.length === 1) text = names[0] + ' ' + t('is typing…');
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
    el.status.textContent = t(s);
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
        if (Array.isArray(data.reads)) {
          state.reads.clear();
          for (const r of data.reads) if (r && r.user_id) state.reads.set(String(r.user_id), r);
          renderSeenBy();
        }
        if (Array.isArray(data.polls)) {
          state.polls.clear();
          for (const p of data.polls.slice().reverse()) upsertPoll(p);
        }
        loadConversations();
        scheduleRead();
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
      // <img>/<audio>/<video> cannot send headers: the cookie lets private rooms' files load (same origin only)
      document.cookie = 'chat_token=' + encodeURIComponent(data.token) + '; path=/; SameSite=Strict'
        + (location.protocol === 'https:' ? '; Secure' : '');
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
    addMessage(msg, { live: true });
    // Someone who just sent a message is no longer typing it.
    if (msg.user_id || msg.public_token) setTyper(msg, false);
  });

  socket.on('user_joined', (data) => {
    if (!data || !sameRoom(data.room)) return;
    addSystemLine((data.username || 'Someone') + ' ' + t('joined'), 'system join');
  });

  socket.on('user_left', (data) => {
    if (!data || !sameRoom(data.room)) return;
    addSystemLine((data.username || 'Someone') + ' ' + t('left'), 'system leave');
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

  // ---------------------------------------------------------------- rich events (issue #7)

  socket.on('message_edited', (data) => {
    if (!data || !sameRoom(data.room)) return;
    updateMessage(data.message_id, { message: data.message, text: data.text, edited: true, edited_at: data.edited_at });
  });

  socket.on('message_deleted', (data) => {
    if (!data || !sameRoom(data.room)) return;
    updateMessage(data.message_id, { deleted: true, message: '', text: '' });
  });

  socket.on('message_reaction', (data) => {
    if (!data || !sameRoom(data.room)) return;
    updateMessage(data.message_id, { reactions: { counts: data.counts || {}, users: data.users || {} } });
  });

  socket.on('read', (data) => {
    if (!data || !data.user_id) return;
    if (state.dm && data.room === state.dm.room) return; // conversations show no receipts (yet)
    if (!sameRoom(data.room)) return;
    state.reads.set(String(data.user_id), data);
    renderSeenBy();
  });

  socket.on('user_status', (data) => {
    if (!data || !data.user_id) return;
    state.status.set(String(data.user_id), String(data.status || 'online'));
    for (const li of el.presence.querySelectorAll('li.user')) {
      if (li.dataset.user === String(data.user_id)) li.dataset.status = String(data.status || 'online');
    }
  });

  socket.on('poll_updated', (poll) => {
    if (!poll || !sameRoom(poll.room)) return;
    const old = state.polls.get(String(poll.poll_id));
    upsertPoll(Object.assign({}, poll, { my_votes: old && old.my_votes ? old.my_votes : [] }));
  });

  socket.on('private_message', (msg) => {
    if (!msg || typeof msg !== 'object') return;
    const fromMe = (msg.user_id || msg.public_token) === state.publicToken;
    const other = fromMe ? msg.to_user_id : msg.user_id;
    if (state.dm && other === state.dm.userId) {
      addDmMessage(msg);
      if (!fromMe && document.visibilityState === 'visible') sendRead(msg.room, msg.id);
    }
    if (!fromMe) notify('mention');
    loadConversations();
  });

  // ---------------------------------------------------------------- read receipts & presence status

  /** Sends `read` for the newest message shown, at most once a second, while the page is visible. */
  function scheduleRead() {
    if (state.readTimer || document.visibilityState !== 'visible') return;
    state.readTimer = setTimeout(() => {
      state.readTimer = null;
      const id = Number(state.lastId);
      if (!socket.connected || !state.joined || !(id > state.lastReadSent)) return;
      state.lastReadSent = id;
      sendRead(state.room, id);
    }, READ_THROTTLE_MS);
  }

  function sendRead(room, id) {
    if (socket.connected) socket.emit('read', { room: room, message_id: id });
  }

  document.addEventListener('visibilitychange', () => {
    const visible = document.visibilityState === 'visible';
    if (socket.connected) socket.emit('set_presence', { status: visible ? 'online' : 'away' });
    if (visible) scheduleRead();
  });

  // ---------------------------------------------------------------- private messages

  const dm = {
    panel: $('dm-panel'),
    with: $('dm-with'),
    list: $('dm-messages'),
    form: $('dm-form'),
    input: $('dm-input'),
    close: $('dm-close'),
    conversations: $('conversations'),
    none: $('no-conversations'),
  };

  function dmElement(msg) {
    const own = isOwn(msg);
    const li = make('li', 'msg ' + (own ? 'own' : 'other'));
    li.dataset.id = String(msg.id);
    li.setAttribute('dir', 'auto');
    const meta = make('div', 'meta');
    meta.appendChild(make('span', 'author', msg.username || 'unknown'));
    const date = toDate(msg.created_at, msg.timestamp);
    if (date) meta.appendChild(make('time', 'time', formatTime(date)));
    li.appendChild(meta);
    const text = make('div', 'text');
    text.setAttribute('dir', 'auto');
    if (msg.deleted) text.textContent = t('This message was deleted.');
    else appendRichText(text, String(msg.message || msg.text || ''));
    li.appendChild(text);
    return li;
  }

  function addDmMessage(msg) {
    if (dm.list.querySelector('li[data-id="' + CSS.escape(String(msg.id)) + '"]')) return;
    dm.list.appendChild(dmElement(msg));
    dm.list.scrollTop = dm.list.scrollHeight;
  }

  /** Opens the conversation with a user: its history (dm_history), then live `private_message`s. */
  async function openDm(userId, username) {
    if (!userId || userId === state.publicToken) return;
    state.dm = { userId: userId, username: username, room: null };
    dm.with.textContent = username || '';
    dm.list.replaceChildren();
    dm.panel.hidden = false;
    closeSidebar(); // on a phone the folded-out sidebar would leave the conversation no room
    dm.input.focus();
    const res = await request('dm_history', { with: userId });
    if (!res.ok) {
      showError(errorText(res.error, 'Could not open the conversation.'));
      return;
    }
    if (!state.dm || state.dm.userId !== userId) return;
    state.dm.room = res.data.room;
    for (const m of res.data.messages || []) addDmMessage(m);
    const last = (res.data.messages || []).slice(-1)[0];
    if (last) {
      sendRead(res.data.room, last.id);
      setTimeout(loadConversations, 300);
    }
  }

  dm.close.addEventListener('click', () => {
    state.dm = null;
    dm.panel.hidden = true;
  });

  dm.form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const text = dm.input.value.trim();
    if (!text || !state.dm) return;
    const res = await request('private_message', { to: state.dm.userId, message: text });
    if (!res.ok) {
      showError(errorText(res.error, 'The message could not be sent.'));
      return;
    }
    if (dm.input.value.trim() === text) dm.input.value = '';
    addDmMessage(res.data);
    loadConversations();
  });

  async function loadConversations() {
    if (!socket.connected) return;
    const res = await request('list_conversations', {});
    if (!res.ok || !res.data || !Array.isArray(res.data.conversations)) return;
    const items = res.data.conversations.map((c) => {
      const li = make('li', 'conversation');
      li.dataset.user = String(c.user_id);
      li.setAttribute('dir', 'auto');
      const name = make('span', 'conversation-name', c.username || '?');
      name.setAttribute('dir', 'auto');
      li.appendChild(name);
      if (c.unread > 0) li.appendChild(make('span', 'unread', String(c.unread)));
      li.tabIndex = 0;
      li.addEventListener('click', () => openDm(String(c.user_id), c.username));
      return li;
    });
    dm.conversations.replaceChildren(...items);
    dm.none.hidden = items.length > 0;
  }

  // ---------------------------------------------------------------- polls

  const pollEl = {
    list: $('polls'),
    form: $('poll-form'),
    question: $('poll-question'),
    options: $('poll-options'),
    multiple: $('poll-multiple'),
  };

  function upsertPoll(poll) {
    if (!poll || poll.poll_id === undefined) return;
    const key = String(poll.poll_id);
    state.polls.set(key, poll);
    const card = pollElement(poll);
    const old = pollEl.list.querySelector('.poll[data-poll-id="' + CSS.escape(key) + '"]');
    if (old) old.replaceWith(card);
    else pollEl.list.prepend(card);
  }

  function pollElement(poll) {
    const card = make('div', 'poll' + (poll.closed ? ' closed' : ''));
    card.dataset.pollId = String(poll.poll_id);
    const q = make('h3', 'poll-question', poll.question);
    q.setAttribute('dir', 'auto');
    card.appendChild(q);
    const mine = Array.isArray(poll.my_votes) ? poll.my_votes : [];
    const total = Number(poll.total_votes) || 0;
    const list = make('ul', 'poll-options');
    for (const o of poll.options || []) {
      const li = make('li', 'poll-option' + (mine.indexOf(o.index) >= 0 ? ' voted' : ''));
      const b = make('button', 'poll-vote', o.text);
      b.type = 'button';
      b.setAttribute('dir', 'auto');
      b.disabled = !!poll.closed || mine.indexOf(o.index) >= 0 || (!poll.multiple && mine.length > 0);
      b.addEventListener('click', () => vote(poll.poll_id, o.index));
      li.appendChild(b);
      const meter = document.createElement('meter');
      meter.min = 0;
      meter.max = Math.max(total, 1);
      meter.value = Number(o.votes) || 0;
      li.appendChild(meter);
      li.appendChild(make('span', 'poll-count', String(o.votes || 0)));
      list.appendChild(li);
    }
    card.appendChild(list);
    const foot = make('div', 'poll-foot', total + ' ' + t('votes') + (poll.closed ? ' · ' + t('closed') : ''));
    card.appendChild(foot);
    const creator = poll.created_by && poll.created_by.user_id;
    if (!poll.closed && (creator === state.publicToken || (state.account && state.account.is_admin))) {
      const close = make('button', 'btn btn-small poll-close', t('Close poll'));
      close.type = 'button';
      close.addEventListener('click', async () => {
        const res = await request('close_poll', { poll_id: poll.poll_id });
        if (res.ok) upsertPoll(res.data);
        else showError(errorText(res.error, 'Could not close the poll.'));
      });
      card.appendChild(close);
    }
    return card;
  }

  async function vote(pollId, option) {
    const res = await request('vote_poll', { poll_id: pollId, option: option });
    if (res.ok) upsertPoll(res.data);
    else showError(errorText(res.error, 'Could not vote.'));
  }

  pollEl.form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const options = pollEl.options.value.split('\n').map((o) => o.trim()).filter((o) => o);
    const res = await request('create_poll', {
      room: state.room,
      question: pollEl.question.value.trim(),
      options: options,
      multiple: pollEl.multiple.checked,
    });
    if (!res.ok) {
      showError(errorText(res.error, 'Could not create the poll.'));
      return;
    }
    pollEl.form.reset();
    upsertPoll(res.data);
  });

  // ---------------------------------------------------------------- settings: theme, sound, language

  const settings = { theme: $('theme-select'), sound: $('sound-toggle'), lang: $('lang-select') };

  function applyThemeName(theme) {
    const name = THEMES.indexOf(theme) >= 0 ? theme : 'light';
    if (name === 'light') delete document.documentElement.dataset.theme; // the stylesheet's default
    else document.documentElement.dataset.theme = name;
    settings.theme.value = name;
  }

  /** Saves a preference: to the account (POST /update_profile, prefs merged) when signed in, else locally. */
  async function savePref(key, value, localKey) {
    if (localKey) storageSet(localKey, String(value));
    if (!state.prefs) return;
    state.prefs = Object.assign({}, state.prefs, { [key]: value });
    try {
      const res = await fetch('/update_profile', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ prefs: state.prefs }),
      });
      if (!res.ok) showError('Could not save your settings.');
    } catch (e) {
      showError('Could not save your settings.');
    }
  }

  settings.theme.addEventListener('change', () => {
    applyThemeName(settings.theme.value);
    savePref('theme', settings.theme.value, THEME_KEY);
  });

  settings.sound.addEventListener('change', () => {
    state.sound = settings.sound.checked;
    savePref('sound', state.sound, SOUND_KEY);
    if (state.sound) notify('message'); // a sample, and it unlocks audio on this user gesture
  });

  settings.lang.addEventListener('change', () => {
    if (window.ChatI18n) window.ChatI18n.setLang(settings.lang.value, true);
    savePref('lang', settings.lang.value, null);
  });

  document.addEventListener('chat:lang', () => {
    settings.lang.value = window.ChatI18n.lang();
    setStatus(el.status.dataset.state || 'connecting');
    for (const id of state.messages.keys()) rerenderMessage(id);
    for (const p of state.polls.values()) upsertPoll(p);
    renderTyping();
  });

  let audio = null;

  /** A short beep (WebAudio, no file): one tone for a message, two rising tones for a mention or DM. */
  function notify(kind) {
    if (!state.sound) return;
    document.body.dataset.lastSound = kind;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === 'suspended') audio.resume();
      const tones = kind === 'mention' ? [660, 880] : [520];
      tones.forEach((f, i) => {
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        osc.frequency.value = f;
        gain.gain.value = 0.08;
        osc.connect(gain).connect(audio.destination);
        const at = audio.currentTime + i * 0.14;
        osc.start(at);
        osc.stop(at + 0.12);
      });
    } catch (e) {
      /* no audio here: stay silent */
    }
  }

  /** Settings at start: the account's prefs (once /api/me answered) win over this browser's. */
  function initSettings(me) {
    const prefs = me && me.logged_in && me.prefs && typeof me.prefs === 'object' ? me.prefs : null;
    state.prefs = me && me.logged_in ? Object.assign({}, prefs || {}) : null;
    applyThemeName(prefs && prefs.theme ? prefs.theme : storageGet(THEME_KEY));
    const sound = prefs && prefs.sound !== undefined ? prefs.sound === true || prefs.sound === 'on' : storageGet(SOUND_KEY) === 'true';
    state.sound = sound;
    settings.sound.checked = sound;
    if (prefs && prefs.lang && window.ChatI18n) window.ChatI18n.setLang(String(prefs.lang), false);
    settings.lang.value = window.ChatI18n ? window.ChatI18n.lang() : 'en';
  }

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

  // ---------------------------------------------------------------- files & voice notes

  function setUploadStatus(text) {
    el.uploadStatus.textContent = text || '';
    el.uploadStatus.hidden = !text;
  }

  function uploadErrorText(res, body) {
    const err = body && body.error;
    if (err && err.message) return err.message;
    if (res.status === 413) return 'The file is too large.';
    if (res.status === 415) return 'This kind of file cannot be shared.';
    if (res.status === 429) return 'Too many uploads: wait a few minutes.';
    return 'The upload failed (HTTP ' + res.status + ').';
  }

  /**
   * Upload one file (POST /api/upload_file with X-Chat-Token) and share it in the room
   * (file_share). Resolves true when the file message was stored.
   */
  async function shareFile(file, name) {
    if (state.uploading) {
      showError('Wait for the current upload to finish.');
      return false;
    }
    if (!file || file.size === 0) {
      showError('The file is empty.');
      return false;
    }
    if (state.uploadMaxBytes && file.size > state.uploadMaxBytes) {
      showError('The file is too large: at most ' + humanSize(state.uploadMaxBytes) + '.');
      return false;
    }
    if (!state.token) {
      showError('Not connected yet: try again in a moment.');
      return false;
    }
    state.uploading = true;
    el.attachButton.disabled = true;
    setUploadStatus('Uploading ' + name + ' (' + humanSize(file.size) + ')…');
    try {
      const form = new FormData();
      form.append('room', state.room);
      form.append('file', file, name);
      let res;
      try {
        res = await fetch('/api/upload_file', {
          method: 'POST',
          headers: { 'X-Chat-Token': state.token },
          body: form,
          credentials: 'same-origin',
        });
      } catch (e) {
        showError('The upload failed: the connection was lost.');
        return false;
      }
      let body = null;
      try {
        body = await res.json();
      } catch (e) {
        body = null;
      }
      if (!res.ok || !body || !body.ok || !body.data || !body.data.file_id) {
        showError(uploadErrorText(res, body));
        return false;
      }
      if (!state.joined && state.joinPromise) await state.joinPromise;
      const shared = await request('file_share', { room: state.room, file_id: body.data.file_id });
      if (!shared.ok) {
        showError(errorText(shared.error, 'The file was uploaded but could not be shared.'));
        return false;
      }
      if (shared.data && typeof shared.data === 'object') addMessage(shared.data, { forceScroll: true });
      scrollToBottom();
      return true;
    } finally {
      state.uploading = false;
      el.attachButton.disabled = false;
      setUploadStatus('');
    }
  }

  el.attachButton.addEventListener('click', () => el.fileInput.click());

  el.fileInput.addEventListener('change', async () => {
    const files = Array.from(el.fileInput.files || []);
    el.fileInput.value = ''; // choosing the same file again fires `change` again
    for (const f of files) {
      if (!(await shareFile(f, f.name || 'file'))) break;
    }
  });

  function setRecordState(s, label) {
    el.recordButton.dataset.state = s;
    el.recordButton.textContent = s === 'recording' ? t('Stop') : s === 'idle' ? t('Record') : '…';
    el.recordButton.classList.toggle('recording', s === 'recording');
    el.recordButton.setAttribute('aria-pressed', String(s === 'recording'));
    el.recordButton.title = t(label);
    el.recordButton.setAttribute('aria-label', t(label));
  }

  /** A message that says why recording cannot start, for the DOMException of getUserMedia. */
  function microphoneErrorText(err) {
    const name = err && err.name;
    if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') {
      return 'Microphone permission was denied: allow the microphone for this site in the browser to record a voice note.';
    }
    if (name === 'NotFoundError' || name === 'DevicesNotFoundError' || name === 'OverconstrainedError') {
      return 'No microphone was found: connect one to record a voice note.';
    }
    if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') {
      return 'The microphone is in use by another program or could not be started.';
    }
    return 'The microphone could not be used' + (err && err.message ? ': ' + err.message : '.');
  }

  function recordingExtension(type) {
    if (type.indexOf('ogg') >= 0) return 'ogg';
    if (type.indexOf('mp4') >= 0) return 'mp4';
    return 'webm';
  }

  function timestampName() {
    const d = new Date();
    return d.getFullYear() + pad2(d.getMonth() + 1) + pad2(d.getDate()) + '-' + pad2(d.getHours())
      + pad2(d.getMinutes()) + pad2(d.getSeconds());
  }

  async function startRecording() {
    if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      showError('Voice notes need the microphone, which browsers only allow on https:// pages (or localhost).');
      return;
    }
    if (typeof window.MediaRecorder !== 'function') {
      showError('This browser cannot record audio (no MediaRecorder): voice notes are not available.');
      return;
    }
    setRecordState('starting', 'Starting the microphone…');
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (err) {
      setRecordState('idle', 'Record a voice note');
      showError(microphoneErrorText(err));
      return;
    }
    const type = RECORD_TYPES.find((t) => MediaRecorder.isTypeSupported(t)) || '';
    let media;
    try {
      media = type ? new MediaRecorder(stream, { mimeType: type }) : new MediaRecorder(stream);
    } catch (err) {
      stream.getTracks().forEach((t) => t.stop());
      setRecordState('idle', 'Record a voice note');
      showError('Recording could not start: ' + (err && err.message ? err.message : 'unknown error'));
      return;
    }
    const rec = { media: media, stream: stream, chunks: [], startedAt: Date.now(), timer: null, stopTimer: null };
    state.recorder = rec;
    media.addEventListener('dataavailable', (ev) => {
      if (ev.data && ev.data.size > 0) rec.chunks.push(ev.data);
    });
    media.addEventListener('stop', () => finishRecording(rec));
    media.start(1000); // a chunk per second, so a long note is not one huge buffer at the end
    setRecordState('recording', 'Stop and send the voice note');
    const tick = () => {
      const s = Math.floor((Date.now() - rec.startedAt) / 1000);
      el.recordButton.dataset.elapsed = String(s);
      setUploadStatus('Recording ' + Math.floor(s / 60) + ':' + pad2(s % 60) + ' — press Stop to send the voice note');
    };
    tick();
    rec.timer = setInterval(tick, 250);
    rec.stopTimer = setTimeout(stopRecording, RECORD_MAX_MS);
  }

  function stopRecording() {
    const rec = state.recorder;
    if (!rec || rec.media.state === 'inactive') return;
    rec.media.stop(); // `stop` fires after the last `dataavailable`
  }

  async function finishRecording(rec) {
    clearInterval(rec.timer);
    clearTimeout(rec.stopTimer);
    rec.stream.getTracks().forEach((t) => t.stop());
    state.recorder = null;
    setUploadStatus('');
    const type = (rec.media.mimeType || rec.chunks[0] && rec.chunks[0].type || 'audio/webm').split(';')[0];
    const blob = new Blob(rec.chunks, { type: type });
    if (blob.size === 0) {
      setRecordState('idle', 'Record a voice note');
      showError('Nothing was recorded.');
      return;
    }
    setRecordState('uploading', 'Sending the voice note…');
    try {
      await shareFile(blob, 'voice-' + timestampName() + '.' + recordingExtension(type));
    } finally {
      setRecordState('idle', 'Record a voice note');
    }
  }

  el.recordButton.addEventListener('click', () => {
    const s = el.recordButton.dataset.state;
    if (s === 'recording') stopRecording();
    else if (s === 'idle') startRecording();
  });

  fetch('/api/upload_limits', { credentials: 'same-origin' })
    .then((r) => (r.ok ? r.json() : null))
    .then((limits) => {
      if (limits && Number.isFinite(limits.max_bytes)) state.uploadMaxBytes = limits.max_bytes;
    })
    .catch(() => {
      /* the server still refuses a too-large file with 413 */
    });

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

  // ---------------------------------------------------------------- search (GET /api/search_messages)

  const searchForm = document.getElementById('search-form');
  const searchInput = document.getElementById('search-input');
  const searchHere = document.getElementById('search-here');
  const searchResults = document.getElementById('search-results');

  /** One hit: author, time, then the text with the matched parts in <mark>, all inserted as text. */
  function renderHit(hit) {
    const li = document.createElement('li');
    li.className = 'search-hit';
    li.dataset.id = String(hit.id);
    const meta = document.createElement('div');
    meta.className = 'search-meta';
    meta.dir = 'auto';
    meta.textContent = (hit.username || '?') + ' · ' + (hit.room && hit.room.startsWith('dm:') ? t('Private') : hit.room)
      + ' · ' + new Date(hit.created_at).toLocaleString();
    const text = document.createElement('div');
    text.className = 'search-text';
    text.dir = 'auto';
    for (const part of Array.isArray(hit.parts) ? hit.parts : [{ text: hit.text, match: false }]) {
      const node = part.match ? document.createElement('mark') : document.createElement('span');
      node.textContent = String(part.text);
      text.appendChild(node);
    }
    li.append(meta, text);
    return li;
  }

  searchForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const q = searchInput.value.trim();
    searchResults.replaceChildren();
    if (!q) return;
    const params = new URLSearchParams({ q, limit: '30' });
    if (searchHere.checked) params.set('room', state.room);
    try {
      const res = await fetch('/api/search_messages?' + params.toString(), {
        headers: state.token ? { 'X-Chat-Token': state.token } : {},
        credentials: 'same-origin',
      });
      const body = await res.json();
      if (!res.ok || !body.ok) {
        showError(errorText(body && body.error, 'Search failed.'));
        return;
      }
      const hits = body.data.results || [];
      if (hits.length === 0) {
        const li = document.createElement('li');
        li.className = 'search-empty';
        li.textContent = t('No messages found.');
        searchResults.appendChild(li);
        return;
      }
      for (const hit of hits) searchResults.appendChild(renderHit(hit));
    } catch (e) {
      showError('Search failed: the server could not be reached.');
    }
  });

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

  /** Folds the sidebar away (phones; on wider screens it is always shown and the class does nothing). */
  function closeSidebar() {
    el.sidebar.classList.remove('open');
    el.sidebarToggle.setAttribute('aria-expanded', 'false');
  }

  // ---------------------------------------------------------------- initial render

  const inLobby = state.room === 'lobby';
  el.roomCode.textContent = state.room;
  el.lobbyLink.hidden = inLobby;
  document.title = (inLobby ? 'Lobby' : state.room) + ' · Chat';
  el.nameInput.value = storageGet(NAME_KEY) || '';
  setStatus('connecting');

  // Account area: filled by auth.js from /api/me (absent auth.js: the chat still works).
  initSettings(null);
  if (window.ChatAccount) {
    window.ChatAccount.load().then((me) => {
      initSettings(me);
      if (!me || !me.logged_in) return;
      if (me.must_setup_2fa) {
        location.href = '/2fa/setup';
        return;
      }
      setAccountMode(true);
    });
  }
})();
