// Blamefree: small enhancements shared by every page. Pages work without it.
"use strict";
(function () {
  // Confirm destructive forms: <form data-confirm="Delete INC-1?">
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    }
  });
})();
