/*
 * chat-server admin pages (vanilla JS, no build step): admin-login.html, admin.html (live sessions,
 * actions, stats chart), admin-logs.html and admin-audit.html, selected by <body data-page>.
 * Talks to the JSON API under /admin/api/ (and seed 001's /api/stats); the live view listens to the
 * Socket.IO namespace /admin (event `sessions`).
 *
 * Security: every value from the server is inserted with textContent (or as an SVG attribute set
 * through setAttribute), never as HTML; no inline script or style (CSP default-src 'self').
 */
(function () {
  'use strict';
  const page = document.body.dataset.page;

  function el(tag, text, className) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) {
      e.textContent = String(text);
    }
    if (className) {
      e.className = className;
    }
    return e;
  }

  function td(text, className) {
    return el('td', text, className);
  }

  function time(ms) {
    return ms ? new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
  }

  function showError(text) {
    const p = document.getElementById('admin-error');
    if (!p) {
      return;
    }
    p.textContent = text || '';
    p.hidden = !text;
  }

  async function api(method, path, body) {
    const opts = { method: method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    const r = await fetch(path, opts);
    let json = null;
    try {
      json = await r.json();
    } catch (e) {
      json = null;
    }
    if (r.status === 403 && json && json.error && json.error.code === 'admin_required') {
      location.href = '/admin';
      throw new Error('signed out');
    }
    if (!r.ok || !json || json.ok === false) {
      const msg = json && json.error ? json.error.message : 'request failed (' + r.status + ')';
      showError(msg);
      throw new Error(msg);
    }
    showError('');
    return json.data;
  }

  function formFields(form) {
    const out = {};
    new FormData(form).forEach((v, k) => {
      if (String(v).trim() !== '') {
        out[k] = String(v).trim();
      }
    });
    return out;
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
  }

  function setupNav() {
    const out = document.getElementById('logout-button');
    if (out) {
      out.addEventListener('click', async () => {
        await api('POST', '/admin/logout', {});
        location.href = '/admin';
      });
    }
    api('GET', '/admin/api/me').then((me) => {
      const n = document.getElementById('admin-name');
      if (n) {
        n.textContent = me.name;
      }
    }).catch(() => {});
  }

  // ------------------------------------------------------------------ login

  function initLogin() {
    const form = document.getElementById('admin-login-form');
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = formFields(form);
      try {
        await api('POST', '/admin/login', body);
        location.reload(); // the same URL now serves the admin page
      } catch (e) {
        if (/authenticator/.test(e.message)) {
          document.getElementById('admin-code-field').hidden = false;
        }
      }
    });
  }

  // ------------------------------------------------------------------- live

  function renderSessions(snap) {
    const body = document.getElementById('sessions');
    clear(body);
    for (const s of snap.sessions) {
      const tr = el('tr');
      tr.dataset.sid = s.sid;
      tr.dataset.user = s.username;
      tr.appendChild(td(s.sid.slice(0, 8)));
      tr.appendChild(td((s.rooms || []).join(', ')));
      tr.appendChild(td(s.ip));
      tr.appendChild(td(s.username + (s.account ? ' (account)' : ''), 'user'));
      tr.appendChild(td(s.public_token));
      tr.appendChild(td(s.transport));
      tr.appendChild(td(time(s.connected_at)));
      const actions = el('td');
      const kick = el('button', 'Kick', 'btn kick');
      kick.type = 'button';
      kick.addEventListener('click', () => act('/admin/api/kick', { sid: s.sid }));
      const ban = el('button', 'Ban', 'btn ban');
      ban.type = 'button';
      ban.addEventListener('click', () => {
        const reason = prompt('Reason for banning ' + s.username + '?', '');
        if (reason !== null) {
          act('/admin/api/ban', { kind: 'token', target: s.public_token, reason: reason });
        }
      });
      const moveTo = el('input');
      moveTo.placeholder = 'room';
      moveTo.className = 'move-room';
      moveTo.size = 8;
      const move = el('button', 'Move', 'btn move');
      move.type = 'button';
      move.addEventListener('click', () => {
        if (moveTo.value.trim()) {
          act('/admin/api/move', { sid: s.sid, room: moveTo.value.trim() });
        }
      });
      actions.append(kick, ban, moveTo, move);
      tr.appendChild(actions);
      body.appendChild(tr);
    }
    const rooms = document.getElementById('rooms');
    clear(rooms);
    for (const r of snap.rooms) {
      rooms.appendChild(el('li', r.room + ': ' + r.members));
    }
  }

  async function act(path, body) {
    try {
      await api('POST', path, body);
      loadBans();
    } catch (e) {
      // shown by api()
    }
  }

  async function loadBans() {
    const rows = await api('GET', '/admin/api/bans');
    const body = document.getElementById('bans');
    clear(body);
    for (const b of rows) {
      const tr = el('tr');
      tr.append(td(b.kind), td(b.target), td(b.reason), td(b.by), td(b.expires_at ? time(b.expires_at) : 'permanent'));
      body.appendChild(tr);
    }
  }

  function limitText(v, globalValue) {
    if (v === null || v === undefined) {
      return 'global (' + (globalValue > 0 ? globalValue : 'none') + ')';
    }
    return v === 0 ? 'no limit' : String(v);
  }

  async function loadRetention() {
    const r = await api('GET', '/admin/api/retention');
    document.getElementById('retention-global').textContent = 'Global: messages older than '
      + (r.max_age_days > 0 ? r.max_age_days + ' days' : '(no age limit)') + ' and beyond the newest '
      + (r.max_per_room > 0 ? r.max_per_room + ' per room' : '(no count limit)') + ' are deleted every '
      + Math.round(r.interval_ms / 60000) + ' min, ' + r.batch_size + ' per transaction. A room\'s value overrides; 0 = no limit.';
    const body = document.getElementById('retention-rooms');
    clear(body);
    for (const o of r.rooms) {
      const tr = el('tr');
      tr.append(td(o.room), td(limitText(o.max_age_days, r.max_age_days)), td(limitText(o.max_count, r.max_per_room)));
      body.appendChild(tr);
    }
  }

  function initRetention() {
    loadRetention().catch(() => {});
    const form = document.getElementById('retention-form');
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        await api('POST', '/admin/api/retention', formFields(form));
        loadRetention().catch(() => {});
      } catch (e) {
        // shown by api()
      }
    });
    document.getElementById('retention-run').addEventListener('click', async () => {
      try {
        const d = await api('POST', '/admin/api/retention/run', {});
        document.getElementById('retention-result').textContent = 'Deleted ' + d.deleted_by_age + ' by age and '
          + d.deleted_by_count + ' by count in ' + d.batches + ' batches (' + d.rooms + ' rooms, '
          + d.files_removed + ' files) in ' + d.duration_ms + ' ms.';
        loadStats().catch(() => {});
      } catch (e) {
        // shown by api()
      }
    });
  }

  async function loadStats() {
    const s = await api('GET', '/api/stats');
    const dl = document.getElementById('stats');
    clear(dl);
    const items = [['Users', s.users], ['Online now', s.online], ['Messages today', s.messages_today],
      ['Messages total', s.messages_total], ['Uploads', s.uploads], ['Upload bytes', s.upload_bytes]];
    for (const [k, v] of items) {
      const d = el('div');
      d.append(el('dt', k), el('dd', v));
      dl.appendChild(d);
    }
    drawChart(document.getElementById('stats-chart'), s.rooms.slice(0, 10));
  }

  /** A bar chart of messages per room, built with SVG DOM calls (no markup strings). */
  function drawChart(svg, rooms) {
    const NS = 'http://www.w3.org/2000/svg';
    clear(svg);
    const w = 600;
    const h = 180;
    const max = Math.max(1, ...rooms.map((r) => r.messages));
    const bw = rooms.length ? Math.min(64, Math.floor((w - 20) / rooms.length)) : 0; // a few rooms: bars, not blocks
    rooms.forEach((r, i) => {
      const bh = Math.round((h - 40) * r.messages / max);
      const rect = document.createElementNS(NS, 'rect');
      rect.setAttribute('class', 'bar');
      rect.setAttribute('x', String(10 + i * bw));
      rect.setAttribute('y', String(h - 20 - bh));
      rect.setAttribute('width', String(Math.max(1, bw - 6)));
      rect.setAttribute('height', String(bh));
      const tip = document.createElementNS(NS, 'title');
      tip.textContent = r.room + ': ' + r.messages;
      rect.appendChild(tip);
      const label = document.createElementNS(NS, 'text');
      label.setAttribute('x', String(10 + i * bw));
      label.setAttribute('y', String(h - 5));
      label.textContent = r.room.length > 10 ? r.room.slice(0, 9) + '…' : r.room;
      const count = document.createElementNS(NS, 'text');
      count.setAttribute('x', String(10 + i * bw));
      count.setAttribute('y', String(h - 24 - bh));
      count.textContent = String(r.messages);
      svg.append(rect, label, count);
    });
  }

  function initLive() {
    setupNav();
    const state = document.getElementById('live-state');
    const socket = io('/admin', { transports: ['websocket', 'polling'] });
    socket.on('connect', () => {
      state.textContent = 'live';
      state.dataset.state = 'live';
    });
    socket.on('disconnect', () => {
      state.textContent = 'disconnected';
      state.dataset.state = 'disconnected';
    });
    socket.on('connect_error', () => {
      state.textContent = 'not allowed';
    });
    socket.on('admin_logged_out', () => {
      location.href = '/admin';
    });
    socket.on('sessions', renderSessions);
    api('GET', '/admin/api/sessions').then(renderSessions).catch(() => {});
    loadBans().catch(() => {});
    loadStats().catch(() => {});
    initRetention();
    const banForm = document.getElementById('ban-form');
    banForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      act('/admin/api/ban', formFields(banForm));
    });
    document.getElementById('unban-button').addEventListener('click', () => {
      act('/admin/api/unban', formFields(banForm));
    });
    const muteForm = document.getElementById('mute-form');
    muteForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      act('/admin/api/mute', formFields(muteForm));
    });
  }

  // ------------------------------------------------------------------- logs

  function pager(load) {
    let pageNo = 1;
    document.getElementById('prev-page').addEventListener('click', () => {
      if (pageNo > 1) {
        pageNo--;
        load(pageNo);
      }
    });
    document.getElementById('next-page').addEventListener('click', () => {
      if (!document.getElementById('next-page').disabled) {
        pageNo++;
        load(pageNo);
      }
    });
    return {
      reset() {
        pageNo = 1;
        load(1);
      },
      show(n, hasMore) {
        document.getElementById('page-no').textContent = String(n);
        document.getElementById('prev-page').disabled = n <= 1;
        document.getElementById('next-page').disabled = !hasMore;
      },
    };
  }

  function initLogs() {
    setupNav();
    const form = document.getElementById('log-filter');
    function query(pageNo) {
      const p = new URLSearchParams(formFields(form));
      if (pageNo) {
        p.set('page', String(pageNo));
      }
      return p.toString();
    }
    async function load(pageNo) {
      const data = await api('GET', '/admin/api/logs?' + query(pageNo));
      const body = document.getElementById('log-rows');
      clear(body);
      for (const m of data.rows) {
        const tr = el('tr', null, 'log-row');
        tr.append(td(m.id), td(time(m.created_at)), td(m.room), td(m.username), td(m.public_token), td(m.ip), td(m.text, 'text'));
        body.appendChild(tr);
      }
      p.show(data.page, data.has_more);
      const q = query(0);
      document.getElementById('export-csv').href = '/admin/api/logs.csv?' + q;
      document.getElementById('export-json').href = '/admin/api/logs.json?' + q;
      body.dataset.loaded = q;
    }
    const p = pager((n) => load(n).catch(() => {}));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      p.reset();
    });
    p.reset();
  }

  // ------------------------------------------------------------------ audit

  function initAudit() {
    setupNav();
    async function load(pageNo) {
      const data = await api('GET', '/admin/api/audit?page=' + pageNo);
      const body = document.getElementById('audit-rows');
      clear(body);
      for (const a of data.rows) {
        const tr = el('tr', null, 'audit-row');
        tr.append(td(time(a.at)), td(a.admin), td(a.action), td(a.target), td(a.reason), td(JSON.stringify(a.details)));
        body.appendChild(tr);
      }
      p.show(data.page, data.page * data.page_size < data.total);
    }
    const p = pager((n) => load(n).catch(() => {}));
    p.reset();
  }

  if (page === 'login') {
    initLogin();
  } else if (page === 'live') {
    initLive();
  } else if (page === 'logs') {
    initLogs();
  } else if (page === 'audit') {
    initAudit();
  }
}());
