// The loading state of every form: once a form is sent, its button shows a
// spinner and is disabled, the form is marked busy, and nothing sends it a
// second time (a double click, Enter pressed twice, another button of the
// same form). Without JavaScript the forms work as before.
//
// A disabled button's name and value are not sent, so the value of the button
// that sent the form (the consent page's allow/deny) travels in a hidden field
// instead. When the browser shows the page again from its back/forward cache,
// the form is ready to send again.
(function () {
  'use strict';

  function sending(form) {
    return form.getAttribute('aria-busy') === 'true';
  }

  function reset(form) {
    form.removeAttribute('aria-busy');
    form.querySelectorAll('button.sending').forEach(function (button) {
      button.classList.remove('sending');
      button.disabled = false;
    });
    form.querySelectorAll('input[data-submitter]').forEach(function (input) { input.remove(); });
  }

  // On window, in the bubbling phase: after every other script's listener,
  // so a submission another script stopped does not count as sent.
  window.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (sending(form)) {
      event.preventDefault();
      return;
    }
    if (event.defaultPrevented) return;
    form.setAttribute('aria-busy', 'true');
    var button = event.submitter || form.querySelector('button[type=submit], button:not([type])');
    if (!button || button.tagName !== 'BUTTON') return;
    if (button.name) {
      var carried = document.createElement('input');
      carried.type = 'hidden';
      carried.name = button.name;
      carried.value = button.value;
      carried.setAttribute('data-submitter', '');
      form.appendChild(carried);
    }
    button.classList.add('sending');
    button.disabled = true;
  });

  window.addEventListener('pageshow', function (event) {
    if (event.persisted) document.querySelectorAll('form[aria-busy=true]').forEach(reset);
  });
})();
