// Passkeys (WebAuthn) on Gatehouse's pages: adding one on /account, using
// one as the second factor on /mfa, and signing in without a password on
// /login. Each button names its endpoints in data-passkey-start ("<base>":
// POST <base>/start, then POST <base>/finish) and the page's CSRF token goes
// in the X-CSRF-Token header. The containers stay hidden where the browser
// has no WebAuthn. Plain ES2017, no libraries (the CSP allows our scripts only).
//
// What it says comes from the page, in the page's language: the error
// element's data-msg-* attributes (data-msg-generic, -cancelled, -exists,
// -csrf-failed, -too-slow, -rate-limited, -account-disabled, -server-busy,
// -network) and, on /account, the register container's (data-msg-codes-*,
// and backup_codes.js's data-msg-copied…). English when one is missing.
'use strict';

(function () {
  var ENGLISH = {
    generic: 'The passkey was not accepted. Try again.',
    cancelled: 'The passkey request was cancelled or timed out. Try again.',
    exists: 'This device already holds a passkey for your account.',
    'csrf-failed': 'This page has expired. Reload it and try again.',
    'too-slow': 'The sign-in took too long. Start again.',
    'rate-limited': 'Too many attempts. Wait a little and try again.',
    'account-disabled': 'This account is disabled.',
    'server-busy': 'The server is busy. Try again in a moment.',
    network: 'Cannot reach the server. Check your connection and try again.',
    'codes-intro': 'Passkey added. These are your backup codes. Each one signs you in once if you cannot use your passkey.',
    'codes-store': 'Store them somewhere safe now, such as a password manager: you will not see them again.',
    'codes-done': 'Done',
    'codes-copy': 'Copy codes',
    'codes-download': 'Download',
  };
  // A refusal's problem code -> its message.
  var CODES = {
    csrf_failed: 'csrf-failed',
    invalid_token: 'too-slow',
    token_expired: 'too-slow',
    rate_limited: 'rate-limited',
    account_disabled: 'account-disabled',
    server_busy: 'server-busy',
    network: 'network',
  };

  // Message `name`: the element's data-msg-<name>, else English.
  function say(element, name) {
    var text = element && element.getAttribute('data-msg-' + name);
    return text || ENGLISH[name];
  }

  if (!window.PublicKeyCredential || !navigator.credentials) return;

  // base64url (no padding) <-> ArrayBuffer.
  function toBuffer(text) {
    var b64 = String(text).replace(/-/g, '+').replace(/_/g, '/');
    while (b64.length % 4) b64 += '=';
    var raw = atob(b64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var raw = '';
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  // A copy without null members (WebIDL dictionaries refuse null for most of them).
  function clean(value) {
    if (Array.isArray(value)) return value.map(clean);
    if (value === null || typeof value !== 'object') return value;
    var out = {};
    Object.keys(value).forEach(function (k) {
      if (value[k] !== null && value[k] !== undefined) out[k] = clean(value[k]);
    });
    return out;
  }

  function withBufferIds(list) {
    return (list || []).map(function (c) { return Object.assign({}, c, { id: toBuffer(c.id) }); });
  }

  function creationOptions(options) {
    var pk = clean(options.publicKey);
    pk.challenge = toBuffer(pk.challenge);
    pk.user = Object.assign({}, pk.user, { id: toBuffer(pk.user.id) });
    pk.excludeCredentials = withBufferIds(pk.excludeCredentials);
    return pk;
  }

  function requestOptions(options) {
    var pk = clean(options.publicKey);
    pk.challenge = toBuffer(pk.challenge);
    pk.allowCredentials = withBufferIds(pk.allowCredentials);
    return pk;
  }

  // The PublicKeyCredential as JSON, binary members in base64url.
  function credentialJSON(credential) {
    var r = credential.response;
    var response = { clientDataJSON: toText(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toText(r.attestationObject);
      if (typeof r.getTransports === 'function') response.transports = r.getTransports();
    } else {
      response.authenticatorData = toText(r.authenticatorData);
      response.signature = toText(r.signature);
      response.userHandle = r.userHandle ? toText(r.userHandle) : null;
    }
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: response,
      extensions: typeof credential.getClientExtensionResults === 'function'
        ? credential.getClientExtensionResults() : {},
    };
  }

  // An error with the problem code of a refused request.
  function Refused(status, code) {
    this.status = status;
    this.code = code;
  }

  async function post(url, csrf, body) {
    var res;
    try {
      res = await fetch(url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf },
        body: JSON.stringify(body),
      });
    } catch (e) {
      throw new Refused(0, 'network');
    }
    var data = null;
    try {
      data = await res.json();
    } catch (e) {
      data = null;
    }
    if (!res.ok) throw new Refused(res.status, data && data.code);
    return data || {};
  }

  // What the error element `el` shows for `error`.
  function message(el, error) {
    if (error instanceof Refused) return say(el, CODES[error.code] || 'generic');
    if (error && (error.name === 'NotAllowedError' || error.name === 'AbortError')) return say(el, 'cancelled');
    if (error && error.name === 'InvalidStateError') return say(el, 'exists');
    return say(el, 'generic');
  }

  function field(name) {
    var input = document.querySelector('form[action="/login"] [name="' + name + '"]');
    return input || null;
  }

  // What each page's button does; each resolves to where to go next (or
  // null when it showed something in place).
  var ceremonies = {
    // /account: create a passkey for the signed-in person.
    register: async function (button, base) {
      var csrf = button.getAttribute('data-csrf') || '';
      var nameInput = document.getElementById('passkey-name');
      var name = nameInput ? nameInput.value.trim() : '';
      var start = await post(base + '/start', csrf, {});
      var credential = await navigator.credentials.create({ publicKey: creationOptions(start.options) });
      var done = await post(base + '/finish', csrf, {
        ceremony_id: start.ceremony_id,
        name: name || null,
        credential: credentialJSON(credential),
      });
      if (done.backup_codes && done.backup_codes.length) {
        showCodes(button.closest('[data-passkey-register]'), done.backup_codes, done.redirect);
        return null;
      }
      return done.redirect || '/account';
    },
    // /mfa: the second factor of the sign-in in progress.
    mfa: async function (button, base) {
      var csrf = button.getAttribute('data-csrf') || '';
      var token = button.getAttribute('data-mfa-token') || '';
      var start = await post(base + '/start', csrf, { mfa_token: token });
      var credential = await navigator.credentials.get({ publicKey: requestOptions(start.options) });
      var done = await post(base + '/finish', csrf, {
        mfa_token: token,
        ceremony_id: start.ceremony_id,
        credential: credentialJSON(credential),
        remember: button.hasAttribute('data-remember'),
        return_to: button.getAttribute('data-return-to') || null,
      });
      return done.redirect || '/account';
    },
    // /login: a discoverable passkey, no username or password.
    login: async function (button, base) {
      var csrfInput = field('csrf');
      var returnTo = field('return_to');
      var remember = field('remember');
      var csrf = csrfInput ? csrfInput.value : '';
      var start = await post(base + '/start', csrf, {});
      var credential = await navigator.credentials.get({ publicKey: requestOptions(start.options) });
      var done = await post(base + '/finish', csrf, {
        ceremony_id: start.ceremony_id,
        credential: credentialJSON(credential),
        remember: !!(remember && remember.checked),
        return_to: returnTo && returnTo.value ? returnTo.value : null,
      });
      return done.redirect || '/account';
    },
  };

  // Backup codes of the account's first second factor: shown once, here.
  function showCodes(container, codes, next) {
    while (container.firstChild) container.removeChild(container.firstChild);
    var intro = document.createElement('p');
    intro.textContent = say(container, 'codes-intro');
    var warning = document.createElement('p');
    warning.className = 'notice warning';
    warning.setAttribute('role', 'alert');
    warning.textContent = say(container, 'codes-store');
    var list = document.createElement('ul');
    list.className = 'codes';
    codes.forEach(function (code) {
      var item = document.createElement('li');
      item.textContent = code;
      list.appendChild(item);
    });
    var link = document.createElement('a');
    link.className = 'button';
    link.href = next || '/account';
    link.textContent = say(container, 'codes-done');
    [intro, warning, list, codesActions(container), link].forEach(function (el) { container.appendChild(el); });
    // The list says "no passkeys yet" no longer.
    document.querySelectorAll('[data-passkeys-none]').forEach(function (p) { p.hidden = true; });
    link.focus();
  }

  // Copy and download for the codes (backup_codes.js wires them; the same
  // markup as the codes page's).
  function codesActions(container) {
    var box = document.createElement('div');
    box.setAttribute('data-codes-actions', '');
    box.setAttribute('data-codes-file', container.getAttribute('data-codes-file') || 'backup-codes.txt');
    box.setAttribute('data-codes-heading', container.getAttribute('data-codes-heading') || 'Backup codes');
    // backup_codes.js's messages, from the container.
    ['copied', 'copy-unavailable', 'copy-refused', 'downloaded'].forEach(function (name) {
      var text = container.getAttribute('data-msg-' + name);
      if (text) box.setAttribute('data-msg-' + name, text);
    });
    var buttons = document.createElement('div');
    buttons.className = 'actions';
    buttons.setAttribute('data-codes-buttons', '');
    buttons.hidden = true;
    [['data-codes-copy', say(container, 'codes-copy')], ['data-codes-download', say(container, 'codes-download')]].forEach(function (b) {
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'secondary';
      button.setAttribute(b[0], '');
      button.textContent = b[1];
      buttons.appendChild(button);
    });
    var status = document.createElement('p');
    status.className = 'hint';
    status.setAttribute('role', 'status');
    status.setAttribute('data-codes-status', '');
    box.appendChild(buttons);
    box.appendChild(status);
    if (window.gatehouseBackupCodes) window.gatehouseBackupCodes(box);
    return box;
  }

  function setup(container, kind) {
    var button = container.querySelector('button[data-passkey-start]');
    var error = container.querySelector('[data-passkey-error]');
    if (!button) return;
    container.hidden = false;
    button.addEventListener('click', async function () {
      if (button.disabled) return;
      button.disabled = true;
      button.setAttribute('aria-busy', 'true');
      if (error) error.hidden = true;
      try {
        var next = await ceremonies[kind](button, button.getAttribute('data-passkey-start'));
        if (next) {
          window.location.assign(next);
          return;
        }
      } catch (e) {
        if (e instanceof Refused && e.status === 401 && kind === 'register') {
          window.location.assign('/login?return_to=%2Faccount');
          return;
        }
        if (error) {
          error.textContent = message(error, e);
          error.hidden = false;
        }
      }
      button.disabled = false;
      button.removeAttribute('aria-busy');
    });
  }

  function init() {
    [['[data-passkey-register]', 'register'], ['[data-passkey-mfa]', 'mfa'], ['[data-passkey-login]', 'login']]
      .forEach(function (pair) {
        Array.prototype.forEach.call(document.querySelectorAll(pair[0]), function (c) { setup(c, pair[1]); });
      });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
