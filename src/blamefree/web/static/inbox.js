// The inbox: a "choose all" box and a highlight on chosen rows. The page works without it.
"use strict";
(function () {
  var table = document.querySelector(".inbox-table");
  if (!table) { return; }
  var boxes = Array.prototype.slice.call(table.querySelectorAll('input[name="items"]'));
  function mark(box) {
    var row = box.closest("tr");
    if (row) { row.classList.toggle("chosen", box.checked); }
  }
  var label = document.createElement("label");
  label.className = "select-all";
  var all = document.createElement("input");
  all.type = "checkbox";
  all.id = "choose-all";
  label.appendChild(all);
  label.appendChild(document.createTextNode("Choose all " + boxes.length + " shown"));
  table.parentNode.insertBefore(label, table);
  all.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = all.checked; mark(box); });
  });
  boxes.forEach(function (box) {
    mark(box);
    box.addEventListener("change", function () {
      mark(box);
      all.checked = boxes.every(function (b) { return b.checked; });
    });
  });
})();
