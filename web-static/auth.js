/*
 * chat-server account pages (vanilla JS, no build step), shared by register.html, login.html,
 * login-2fa.html, twofa-setup.html, profile.html and dashboard.html; the chat page (index.html)
 * loads it too, for the account area of its header (window.ChatAccount).
 *
 * Each page says which it is with <body data-page="...">; the page's init below runs from that.
 * The forms are ordinary HTML forms (POST, answered with a 303 redirect; errors come back as
 * ?error=<code>); only the two-factor setup talks JSON (POST /2fa/setup, POST /2fa/confirm).
 *
 * Security: server and user text is inserted with textContent only, never as HTML; the pages run
 * under CSP default-src 'self' (no inline script, handlers or style attributes).
 *
 * Element ids used by tests: #form-error, #form-notice, #account (#account-name, #account-profile,
 * #account-logout, #account-login, #account-register); register: #username, #password,
 * #password-confirm, #register-button; login: #username, #password, #next, #login-button;
 * login-2fa: #code, #next, #code-button; twofa-setup: #totp-qr, #totp-secret, #totp-code,
 * #totp-confirm-button, #recovery-codes; profile: #profile-form, #username, #email, #theme, #sound, #profile-stats (#stat-messages, #stat-rooms, #stat-reactions, #stat-polls, #stat-joined),
 * #twofa-status, #profile-button; dashboard: #greeting-name.
 */
(function () {
  'use strict';

  // ---------------------------------------------------------------- messages

  /** Human text for the error codes of AuthRoutes / AccountService (and the socket's account_name). */
  const MESSAGES = {
    invalid_credentials: 'Wrong username or password.',
    rate_limited: 'Too many attempts. Please wait a few minutes, then try again.',
    weak_password: 'That password is too weak: use at least 10 characters, and not your username.',
    username_taken: 'That username is already taken. Please choose another one.',
    invalid_username: 'Usernames are 1 to 20 characters, without control characters.',
    password_mismatch: 'The two passwords do not match.',
    invalid_code: 'That code is not valid, or it was already used. Wait for the next code and try again.',
    login_required: 'Please sign in first.',
    csrf_failed: 'The request was refused for security reasons. Reload the page and try again.',
    bad_request: 'Something in the form is not valid. Please check it and try again.',
    invalid_email: 'That email address does not look right.',
    account_name: 'Accounts change their name on the profile page.',
    network: 'Could not reach the server. Check your connection and try again.',
  };

  /** Page-specific wording where the same code means something more precise. */
  const PAGE_MESSAGES = {
    profile: {
      invalid_credentials: 'The current password is wrong: the password was not changed.',
    },
    'login-2fa': {
      login_required: 'Your sign-in has expired. Please sign in with your password again.',
      rate_limited: 'Too many wrong codes. Please wait a few minutes, then try again.',
    },
  };

  const GENERIC = 'Something went wrong. Please try again.';

  /** The human message for an error code on this page (unknown codes: a generic message). */
  function errorMessage(code, page) {
    const own = PAGE_MESSAGES[page || pageName()];
    if (own && Object.prototype.hasOwnProperty.call(own, code)) return own[code];
    if (Object.prototype.hasOwnProperty.call(MESSAGES, code)) return MESSAGES[code];
    return GENERIC;
  }

  // ---------------------------------------------------------------- helpers

  const $ = (id) => document.getElementById(id);

  function pageName() {
    return (document.body && document.body.dataset.page) || '';
  }

  function param(name) {
    try {
      return new URLSearchParams(location.search).get(name);
    } catch (e) {
      return null;
    }
  }

  /** Shows text in an element (textContent), or hides it when the text is empty. */
  function showText(node, text) {
    if (!node) return;
    node.textContent = text || '';
    node.hidden = !text;
  }

  function showError(text) {
    showText($('form-error'), text);
    const notice = $('form-notice');
    if (text && notice) showText(notice, '');
  }

  function showNotice(text) {
    showText($('form-notice'), text);
  }

  /** Shows the ?error= code of the URL, if any. */
  function showUrlError() {
    const code = param('error');
    if (code) showError(errorMessage(code));
    return code;
  }

  /** Same-site paths only, as the server's own check (never an open redirect). */
  function safePath(p) {
    return typeof p === 'string' && /^\/[A-Za-z0-9/_-]*$/.test(p) && !p.startsWith('//') ? p : null;
  }

  function storageGet(key) {
    try {
      return sessionStorage.getItem(key);
    } catch (e) {
      return null;
    }
  }

  function storageSet(key, value) {
    try {
      if (value === null) sessionStorage.removeItem(key);
      else sessionStorage.setItem(key, value);
    } catch (e) {
      /* storage disabled: only the convenience is lost */
    }
  }

  /** Characters (code points), as the server counts them. */
  function charCount(s) {
    return Array.from(s || '').length;
  }

  /**
   * A same-origin JSON request. Resolves to {ok:true, status, data} or {ok:false, status, error:{code, message}}.
   */
  async function api(method, url, body) {
    const opts = { method: method, credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(url, opts);
    } catch (e) {
      return { ok: false, status: 0, error: { code: 'network', message: MESSAGES.network } };
    }
    let json = null;
    try {
      json = await res.json();
    } catch (e) {
      json = null;
    }
    if (res.ok && json && json.ok) return { ok: true, status: res.status, data: json.data || {} };
    const err = json && json.error && typeof json.error === 'object' ? json.error : {};
    return {
      ok: false,
      status: res.status,
      error: { code: String(err.code || 'http_' + res.status), message: typeof err.message === 'string' ? err.message : '' },
    };
  }

  /** The message for a JSON error: our text for known codes, else the server's message, else a generic one. */
  function apiErrorText(error) {
    const code = error && error.code;
    if (code && Object.prototype.hasOwnProperty.call(MESSAGES, code)) return errorMessage(code);
    return (error && error.message) || GENERIC;
  }

  // ---------------------------------------------------------------- account (every page)

  let mePromise = null;

  /** GET /api/me once per page. Resolves to its data, or {logged_in:false, unavailable:true}. */
  function loadMe() {
    if (!mePromise) {
      mePromise = api('GET', '/api/me').then((r) => (r.ok && r.data && typeof r.data === 'object'
        ? r.data : { logged_in: false, unavailable: true }));
    }
    return mePromise;
  }

  const THEMES = ['light', 'dark', 'blue', 'green'];

  function applyTheme(me) {
    const theme = me && me.prefs && typeof me.prefs === 'object' ? me.prefs.theme : null;
    // light is the stylesheet's default: no attribute
    if (theme !== 'light' && THEMES.indexOf(theme) >= 0) document.documentElement.dataset.theme = theme;
    else delete document.documentElement.dataset.theme;
  }

  /** Fills the header's account area (#account), if the page has one. */
  function renderAccount(me) {
    const box = $('account');
    if (!box || !me || me.unavailable) return;
    const loggedIn = !!me.logged_in;
    const name = $('account-name');
    if (name) name.textContent = loggedIn ? String(me.username || '') : '';
    for (const id of ['account-status', 'account-profile', 'account-logout']) {
      if ($(id)) $(id).hidden = !loggedIn;
    }
    for (const id of ['account-login', 'account-register']) {
      if ($(id)) $(id).hidden = loggedIn;
    }
    const login = $('account-login');
    const here = safePath(location.pathname);
    if (login && here && here !== '/' && here !== '/login') login.href = '/login?next=' + encodeURIComponent(here);
    box.hidden = false;
  }

  /** Loads /api/me, applies the theme and fills the account area. Resolves to /api/me's data. */
  function initAccount() {
    return loadMe().then((me) => {
      applyTheme(me);
      renderAccount(me);
      return me;
    });
  }

  window.ChatAccount = { load: initAccount, me: loadMe, errorMessage: errorMessage };

  // ---------------------------------------------------------------- register

  function initRegister() {
    const form = $('register-form');
    const username = $('username');
    const password = $('password');
    const confirm = $('password-confirm');
    if (showUrlError() && storageGet('auth.username')) username.value = storageGet('auth.username');
    storageSet('auth.username', null);

    const rules = {
      length: () => charCount(password.value) >= 10,
      username: () => password.value !== '' && password.value.toLowerCase() !== username.value.trim().toLowerCase(),
      match: () => confirm.value !== '' && confirm.value === password.value,
    };
    function updateRules() {
      for (const key of Object.keys(rules)) {
        const li = $('rule-' + key);
        if (li) li.classList.toggle('met', rules[key]());
      }
    }
    for (const input of [username, password, confirm]) input.addEventListener('input', updateRules);
    updateRules();

    form.addEventListener('submit', (ev) => {
      if (password.value !== confirm.value) {
        ev.preventDefault();
        showError(errorMessage('password_mismatch'));
        confirm.focus();
        return;
      }
      if (!rules.length() || !rules.username()) {
        ev.preventDefault();
        showError(errorMessage('weak_password'));
        password.focus();
        return;
      }
      storageSet('auth.username', username.value);
      $('register-button').disabled = true; // no double submit; the answer is a new page
    });
  }

  // ---------------------------------------------------------------- login

  function initLogin() {
    const form = $('login-form');
    const username = $('username');
    const next = safePath(param('next'));
    $('next').value = next || '';
    const code = showUrlError();
    if (code && storageGet('auth.username')) {
      username.value = storageGet('auth.username');
      $('password').focus();
    }
    storageSet('auth.username', null);
    if (!code && param('next')) showNotice('Please sign in to continue.');
    form.addEventListener('submit', () => {
      storageSet('auth.username', username.value);
      $('login-button').disabled = true;
    });
  }

  // ---------------------------------------------------------------- login: second factor

  function initLoginSecondFactor() {
    const next = safePath(param('next'));
    $('next').value = next || ''; // where the login was going, kept across this step
    if (next) $('restart-login').querySelector('a').href = '/login?next=' + encodeURIComponent(next);
    const code = showUrlError();
    if (code === 'login_required' || code === 'rate_limited') $('restart-login').hidden = false;
    $('code-form').addEventListener('submit', () => {
      $('code-button').disabled = true;
    });
  }

  // ---------------------------------------------------------------- two-factor setup

  const QR_RE = /^data:image\/png;base64,[A-Za-z0-9+/=]+$/;

  function initTwoFactorSetup() {
    const setup = $('setup');
    const confirmForm = $('confirm-form');
    const codeInput = $('totp-code');
    const confirmButton = $('totp-confirm-button');

    async function begin() {
      $('already-on').hidden = true;
      $('setup-loading').hidden = false;
      showError('');
      const pw = $('reauth-password') ? $('reauth-password').value : '';
      const res = await api('POST', '/2fa/setup', pw ? { password: pw } : {});
      $('setup-loading').hidden = true;
      if (!res.ok) {
        if (res.status === 401) {
          location.href = '/login?next=' + encodeURIComponent('/2fa/setup');
          return;
        }
        showError(apiErrorText(res.error));
        if (res.error && res.error.code === 'invalid_credentials') {
          $('already-on').hidden = false; // ask for the password again
          return;
        }
        $('retry-setup').hidden = false;
        return;
      }
      const data = res.data;
      const img = $('totp-qr');
      if (typeof data.qr === 'string' && QR_RE.test(data.qr)) {
        img.src = data.qr;
        img.hidden = false;
      } else {
        img.hidden = true;
      }
      $('totp-secret').textContent = String(data.secret || '');
      $('totp-uri').textContent = String(data.otpauth || '');
      setup.hidden = false;
      codeInput.focus();
    }

    confirmForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const code = codeInput.value.replace(/\s+/g, '');
      if (!/^\d{6}$/.test(code)) {
        showError('Enter the 6-digit code shown by your authenticator app.');
        codeInput.focus();
        return;
      }
      confirmButton.disabled = true;
      const res = await api('POST', '/2fa/confirm', { code: code });
      confirmButton.disabled = false;
      if (!res.ok) {
        if (res.status === 401 && res.error.code === 'login_required') {
          location.href = '/login?next=' + encodeURIComponent('/2fa/setup');
          return;
        }
        showError(apiErrorText(res.error));
        codeInput.select();
        return;
      }
      showError('');
      const list = $('recovery-codes');
      list.replaceChildren();
      const codes = Array.isArray(res.data.recovery_codes) ? res.data.recovery_codes : [];
      for (const c of codes) {
        const li = document.createElement('li');
        li.textContent = String(c);
        list.appendChild(li);
      }
      setup.hidden = true;
      $('done').hidden = false;
      showNotice('Two-factor authentication is on.');
    });

    $('restart-setup').addEventListener('click', begin);
    $('retry-setup').addEventListener('click', () => {
      $('retry-setup').hidden = true;
      begin();
    });

    loadMe().then((me) => {
      if (me.logged_in && me.two_factor) {
        // Already on: starting again would replace the authenticator, so only on request.
        $('already-on').hidden = false;
        return;
      }
      begin();
    });
  }

  // ---------------------------------------------------------------- profile

  function initProfile() {
    const button = $('profile-button');
    button.disabled = true; // until the form holds the current values
    if (!showUrlError() && param('saved') === '1') showNotice('Your profile was saved.');
    loadMe().then((me) => {
      if (!me.logged_in) {
        if (!me.unavailable) location.href = '/login?next=' + encodeURIComponent('/profile');
        else showError(MESSAGES.network);
        return;
      }
      $('username').value = String(me.username || '');
      $('email').value = me.email ? String(me.email) : '';
      const prefs = me.prefs && typeof me.prefs === 'object' ? me.prefs : {};
      $('theme').value = THEMES.indexOf(prefs.theme) >= 0 ? prefs.theme : 'light';
      $('sound').checked = prefs.sound === true || prefs.sound === 'on';
      $('twofa-status').textContent = me.two_factor ? 'On' : 'Off';
      $('twofa-status').classList.toggle('on', !!me.two_factor);
      $('twofa-link').textContent = me.two_factor ? 'Replace your authenticator' : 'Set up two-factor authentication';
      $('twofa-required').hidden = !me.must_setup_2fa;
      const since = Number(me.created_at);
      if (Number.isFinite(since) && since > 0) {
        $('member-since').textContent = new Date(since).toLocaleDateString();
        $('member-since-row').hidden = false;
      }
      button.disabled = false;
      loadProfileStats();
    });
    $('profile-form').addEventListener('submit', (ev) => {
      if ($('new-password').value && !$('current-password').value) {
        ev.preventDefault();
        showError('Enter your current password to set a new one.');
        $('current-password').focus();
      }
    });
  }

  /** Seed 001 profile statistics from GET /api/profile_stats: messages sent, rooms, reactions, polls, joined date. */
  async function loadProfileStats() {
    let stats = null;
    try {
      const res = await fetch('/api/profile_stats', { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } });
      stats = res.ok ? await res.json() : null;
    } catch (e) {
      stats = null;
    }
    if (!stats || typeof stats !== 'object') return;
    $('stat-messages').textContent = String(Number(stats.messages_sent) || 0);
    $('stat-rooms').textContent = String(Number(stats.rooms) || 0);
    $('stat-reactions').textContent = String(Number(stats.reactions_given) || 0);
    $('stat-polls').textContent = String(Number(stats.polls_created) || 0);
    const joined = Number(stats.joined_at);
    $('stat-joined').textContent = Number.isFinite(joined) && joined > 0 ? new Date(joined).toLocaleDateString() : '';
    $('profile-stats').hidden = false;
  }

  // ---------------------------------------------------------------- dashboard

  function initDashboard() {
    showUrlError();
    loadMe().then((me) => {
      if (!me.logged_in) {
        if (!me.unavailable) location.href = '/login?next=' + encodeURIComponent('/dashboard');
        return;
      }
      $('greeting-name').textContent = String(me.username || '');
      $('greeting').hidden = false;
      $('twofa-required').hidden = !me.must_setup_2fa;
      $('twofa-off').hidden = !!me.two_factor || !!me.must_setup_2fa;
      $('admin-note').hidden = !me.is_admin;
    });
  }

  // ---------------------------------------------------------------- start

  const PAGES = {
    register: initRegister,
    login: initLogin,
    'login-2fa': initLoginSecondFactor,
    'twofa-setup': initTwoFactorSetup,
    profile: initProfile,
    dashboard: initDashboard,
  };

  const init = PAGES[pageName()];
  if (init) {
    initAccount();
    init();
  }
})();
