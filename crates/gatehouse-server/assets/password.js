// Password fields: the show/hide toggle, the strength meter, the live
// "passwords do not match" check, and buttons that wait for a checkbox.
// Everything here only helps: the server checks the same things on submit,
// so the pages work without JavaScript. The toggle buttons are rendered
// hidden and shown here, so without JavaScript the page has no dead control.
// The words come from the page, in its language (data-… attributes set by
// the templates); the English here is the fallback for older templates.
'use strict';
(function () {
  function word(element, name, fallback) {
    const value = element ? element.dataset[name] : undefined;
    return typeof value === 'string' && value !== '' ? value : fallback;
  }

  // Show/hide toggles.
  for (const button of document.querySelectorAll('button[data-reveal]')) {
    const input = document.getElementById(button.dataset.reveal);
    if (!input) continue;
    button.hidden = false;
    button.addEventListener('click', function () {
      const show = input.type === 'password';
      input.type = show ? 'text' : 'password';
      button.setAttribute('aria-pressed', String(show));
      button.setAttribute('aria-label', show
        ? word(button, 'labelHide', 'Hide password')
        : word(button, 'labelShow', 'Show password'));
      input.focus();
    });
  }

  // Strength meter: inputs with data-meter="<id of the strength text>"; the
  // bars (.meter) sit just before that text. The verdict comes from the
  // server's own policy (POST /api/auth/password/check).
  const CHECK_URL = '/api/auth/password/check';
  const DEBOUNCE_MS = 250;

  function valueOf(form, name) {
    const field = form ? form.elements.namedItem(name) : null;
    return field && typeof field.value === 'string' ? field.value : '';
  }

  function setupMeter(input) {
    const text = document.getElementById(input.dataset.meter);
    if (!text) return;
    const bars = text.previousElementSibling;
    const meter = bars && bars.classList.contains('meter') ? bars : null;
    const form = input.form;
    let timer = null;
    let latest = 0;

    function show(score, message, verdict) {
      if (meter) meter.dataset.score = String(score);
      text.textContent = message;
      text.classList.toggle('ok', verdict === 'ok');
      text.classList.toggle('bad', verdict === 'bad');
    }

    async function check() {
      const password = input.value;
      const ticket = ++latest;
      if (password === '') {
        show(0, '', null);
        return;
      }
      try {
        const res = await fetch(CHECK_URL, {
          method: 'POST',
          credentials: 'same-origin',
          // The hint comes back in the page's language.
          headers: Object.assign(
            { 'Content-Type': 'application/json', Accept: 'application/json' },
            document.documentElement.lang ? { 'Accept-Language': document.documentElement.lang } : {}
          ),
          body: JSON.stringify({ password: password, username: valueOf(form, 'username'), email: valueOf(form, 'email') }),
        });
        if (!res.ok) return;
        const verdict = await res.json();
        if (ticket !== latest) return; // a newer check is on its way
        // Weak / Medium / Strong, and one short hint.
        if (!verdict.acceptable) {
          const reason = verdict.message || word(input, 'weakFallback', 'try a longer password');
          show(Math.max(1, verdict.score), word(input, 'weak', 'Weak: {reason}').replace('{reason}', function () { return reason; }), 'bad');
        } else if (verdict.score < 4) {
          show(verdict.score, word(input, 'medium', 'Medium: good enough. One more unrelated word makes it strong.'), 'ok');
        } else {
          show(verdict.score, word(input, 'strong', 'Strong'), 'ok');
        }
      } catch (e) {
        // Network trouble: say nothing; the server checks on submit.
      }
    }

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(check, DEBOUNCE_MS);
    }

    input.addEventListener('input', schedule);
    // The verdict depends on the username and email too.
    for (const name of ['username', 'email']) {
      const field = form ? form.elements.namedItem(name) : null;
      if (field && field.addEventListener) {
        field.addEventListener('input', function () {
          if (input.value !== '') schedule();
        });
      }
    }
    if (input.value !== '') schedule();
  }

  for (const input of document.querySelectorAll('input[data-meter]')) setupMeter(input);

  // Confirmation: data-confirm="<id of the password input>" on the confirm
  // input; its error element is "<its id>-error".
  function setupConfirm(confirm) {
    const original = document.getElementById(confirm.dataset.confirm);
    const error = document.getElementById(confirm.id + '-error');
    if (!original || !error) return;

    // While the confirmation is being typed, only complain once it can no
    // longer match; when it is complete (change), any difference counts.
    function compare(complete) {
      const typed = confirm.value;
      const wrong = typed !== '' && typed !== original.value && (complete || !original.value.startsWith(typed));
      if (wrong) {
        error.textContent = word(confirm, 'mismatch', 'Passwords do not match');
        error.hidden = false;
        confirm.setAttribute('aria-invalid', 'true');
      } else if (!error.hidden) {
        error.textContent = '';
        error.hidden = true;
        confirm.removeAttribute('aria-invalid');
      }
    }

    confirm.addEventListener('input', function () { compare(false); });
    confirm.addEventListener('change', function () { compare(true); });
    original.addEventListener('input', function () {
      if (confirm.value !== '') compare(true);
    });
  }

  for (const confirm of document.querySelectorAll('input[data-confirm]')) setupConfirm(confirm);

  // Buttons with data-requires="<checkbox id>" stay disabled until it is checked.
  for (const button of document.querySelectorAll('[data-requires]')) {
    const box = document.getElementById(button.dataset.requires);
    if (!box) continue;
    const sync = function () { button.disabled = !box.checked; };
    sync();
    box.addEventListener('change', sync);
    // Browsers may restore the checkbox when going back to the page.
    window.addEventListener('pageshow', sync);
  }
})();
