// Blamefree board and follow-up pages: small enhancements. Everything works without them.
"use strict";
(function () {
  var bulk = document.getElementById("bulk");

  function picks() {
    return Array.prototype.slice.call(document.querySelectorAll('input[type="checkbox"][form="bulk"][name="action_id"]'));
  }

  function refresh() {
    if (!bulk) { return; }
    var chosen = picks().filter(function (box) { return box.checked; }).length;
    var count = bulk.querySelector("[data-selected-count]");
    if (count) {
      count.textContent = chosen ? "(" + chosen + " selected)" : "(tick the boxes in the tables below)";
    }
    bulk.querySelectorAll("[data-needs-selection]").forEach(function (button) {
      button.disabled = chosen === 0;
    });
    document.querySelectorAll("[data-select-group]").forEach(function (all) {
      var boxes = groupBoxes(all);
      var ticked = boxes.filter(function (box) { return box.checked; }).length;
      all.checked = boxes.length > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    });
  }

  function groupBoxes(all) {
    var table = all.closest("table");
    return table ? Array.prototype.slice.call(table.querySelectorAll('tbody input[name="action_id"]')) : [];
  }

  document.querySelectorAll("[data-select-group]").forEach(function (all) {
    all.hidden = false;
    var label = document.querySelector('label[for="' + all.id + '"]');
    if (label) { label.hidden = false; }
    all.addEventListener("change", function () {
      groupBoxes(all).forEach(function (box) { box.checked = all.checked; });
      refresh();
    });
  });
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.name === "action_id") { refresh(); }
  });
  refresh();

  // Copy buttons next to read-only fields (the calendar feed's address).
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.dataset.copy);
    if (!field) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      field.select();
      var done = function () {
        button.textContent = "Copied";
        window.setTimeout(function () { button.textContent = "Copy"; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
      } else {
        try { if (document.execCommand("copy")) { done(); } } catch (ignored) { /* selected; the reader copies */ }
      }
    });
  });
  document.querySelectorAll("[data-copy-source]").forEach(function (field) {
    field.addEventListener("focus", function () { field.select(); });
  });
})();
