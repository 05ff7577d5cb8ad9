/*
 * The page of seed 004's shared TOTP gate (GET /gate): shows the setup QR code while GET /gate/info offers
 * it (first start only), and an error from ?error=<code>. The form posts to /gate; the server sets the
 * chat_gate cookie and sends the browser to the chat. Text only via textContent; no inline script (CSP).
 */
(function () {
  'use strict';
  const MESSAGES = {
    invalid_code: 'That code is wrong or was already used. Wait for the next code and try again.',
    rate_limited: 'Too many wrong codes. Please wait a few minutes.',
    csrf_failed: 'The request was refused for security reasons. Reload the page and try again.',
  };
  const QR_RE = /^data:image\/png;base64,[A-Za-z0-9+/=]+$/;
  const params = new URLSearchParams(location.search);
  const err = params.get('error');
  if (err) {
    const el = document.getElementById('gate-error');
    el.textContent = MESSAGES[err] || 'Something went wrong. Please try again.';
    el.hidden = false;
  }
  fetch('/gate/info', { credentials: 'same-origin' })
    .then((r) => r.json())
    .then((body) => {
      const info = body && body.data;
      if (!info || !info.setup) return;
      if (typeof info.qr === 'string' && QR_RE.test(info.qr)) document.getElementById('gate-qr').src = info.qr;
      document.getElementById('gate-secret').textContent = String(info.secret || '');
      document.getElementById('gate-setup').hidden = false;
    })
    .catch(() => {});
})();
