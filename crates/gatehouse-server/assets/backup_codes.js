// Backup codes, wherever they are shown (their own page, or in place after
// the first passkey): copy them to the clipboard, or download them as a text
// file. The buttons are shown only when this script runs; the codes are on
// the page either way. passkey.js calls `gatehouseBackupCodes(box)` for the
// buttons it adds.
(function () {
  'use strict';

  function attach(box) {
    var status = box.querySelector('[data-codes-status]');
    var say = function (text) { status.textContent = text; };
    var codes = function () {
      return Array.prototype.map.call(box.parentNode.querySelectorAll('.codes li'), function (li) {
        return li.textContent.trim();
      });
    };
    box.querySelector('[data-codes-copy]').addEventListener('click', function () {
      if (!navigator.clipboard) { say('Copying is not available here: select the codes instead.'); return; }
      navigator.clipboard.writeText(codes().join('\n') + '\n').then(
        function () { say('Copied.'); },
        function () { say('Copying was refused: select the codes instead.'); }
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
      say('Downloaded.');
    });
    box.querySelector('[data-codes-buttons]').hidden = false;
  }

  window.gatehouseBackupCodes = attach;
  function init() { document.querySelectorAll('[data-codes-actions]').forEach(attach); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
