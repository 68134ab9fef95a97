// Backup codes, wherever they are shown (their own page, or in place after
// the first passkey): copy them to the clipboard, or download them as a text
// file. The buttons are shown only when this script runs; the codes are on
// the page either way. passkey.js calls `gatehouseBackupCodes(box)` for the
// buttons it adds. What it says comes from the box's data-msg-* attributes
// (the page's language), English when one is missing.
(function () {
  'use strict';

  var ENGLISH = {
    copied: 'Copied.',
    'copy-unavailable': 'Copying is not available here: select the codes instead.',
    'copy-refused': 'Copying was refused: select the codes instead.',
    downloaded: 'Downloaded.',
  };

  function attach(box) {
    var status = box.querySelector('[data-codes-status]');
    var say = function (name) { status.textContent = box.getAttribute('data-msg-' + name) || ENGLISH[name]; };
    var codes = function () {
      return Array.prototype.map.call(box.parentNode.querySelectorAll('.codes li'), function (li) {
        return li.textContent.trim();
      });
    };
    box.querySelector('[data-codes-copy]').addEventListener('click', function () {
      if (!navigator.clipboard) { say('copy-unavailable'); return; }
      navigator.clipboard.writeText(codes().join('\n') + '\n').then(
        function () { say('copied'); },
        function () { say('copy-refused'); }
      );
    });
    box.querySelector('[data-codes-download]').addEventListener('click', function () {
      var text = box.getAttribute('data-codes-heading') + '\n\n' + codes().join('\n') + '\n';
      var link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
      link.download = box.getAttribute('data-codes-file');
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 0);
      say('downloaded');
    });
    box.querySelector('[data-codes-buttons]').hidden = false;
  }

  window.gatehouseBackupCodes = attach;
  function init() { document.querySelectorAll('[data-codes-actions]').forEach(attach); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
