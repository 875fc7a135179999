// Blamefree writing pages: add/remove rows, live lint while you type, and a notice when someone
// else saves a newer version. Every page works without this script; it only enhances.
"use strict";
(function () {
  var LINT_DELAY_MS = 600;
  var POLL_MS = 10000;
  document.documentElement.classList.add("js");

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // --- rows: add and remove entries of a list ----------------------------------------------
  function nextIndex(list, path) {
    var highest = -1;
    var prefix = path + "-";
    list.querySelectorAll('input[type="hidden"]').forEach(function (input) {
      var name = input.getAttribute("name") || "";
      if (name.indexOf(prefix) === 0 && /-base$/.test(name)) {
        var n = parseInt(name.slice(prefix.length, -5), 10);
        if (!isNaN(n) && n > highest) { highest = n; }
      }
    });
    return highest + 1;
  }

  function wireDrop(row, addButton) {
    var drop = row.querySelector("[data-drop]");
    if (!drop) { return; }
    drop.hidden = false;
    drop.addEventListener("click", function () {
      var form = row.closest("form");
      row.remove();
      addButton.focus();
      if (form) { form.dispatchEvent(new Event("input", { bubbles: true })); }
    });
  }

  function blankRow(list) {
    var rows = list.querySelectorAll("[data-row]");
    for (var i = rows.length - 1; i >= 0; i--) {
      var base = rows[i].querySelector('input[type="hidden"]');
      if (base && base.value === "") { return rows[i]; }
    }
    return null;
  }

  function renumber(row, box, index, number) {
    var path = box.getAttribute("data-rows");
    var id = box.getAttribute("data-id");
    var old = row.getAttribute("data-index");
    var swaps = [[path + "-" + old + "-", path + "-" + index + "-"], [id + "-" + old + "-", id + "-" + index + "-"]];
    row.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (node) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
        var value = node.getAttribute(attr);
        if (value === null) { return; }
        swaps.forEach(function (swap) { value = value.split(swap[0]).join(swap[1]); });
        node.setAttribute(attr, value);
      });
    });
    row.setAttribute("data-index", String(index));
    row.querySelectorAll("[data-n]").forEach(function (span) { span.textContent = String(number); });
  }

  function setUpRows(box) {
    var path = box.getAttribute("data-rows");
    var list = box.querySelector("ol");
    var add = box.querySelector("[data-add]");
    if (!list || !add || !blankRow(list)) { return; }
    add.hidden = false;
    add.addEventListener("click", function () {
      var source = blankRow(list);
      if (!source) { return; }
      var row = source.cloneNode(true);
      renumber(row, box, nextIndex(list, path), list.querySelectorAll("[data-row]").length + 1);
      row.querySelectorAll("input, select").forEach(function (input) {
        if (input.type === "hidden") { return; }
        if (input.type === "checkbox") { input.checked = false; }
        else if (input.tagName === "SELECT") { input.selectedIndex = 0; }
        else { input.value = ""; }
      });
      row.querySelectorAll(".hint").forEach(function (hint) { hint.remove(); });
      row.querySelectorAll("[aria-describedby]").forEach(function (node) { node.removeAttribute("aria-describedby"); });
      list.appendChild(row);
      wireDrop(row, add);
      var first = row.querySelector('input[type="text"]');
      if (first) { first.focus(); }
    });
  }

  // --- live lint -----------------------------------------------------------------------------
  var SHOWN_ALONE = 3;
  var RANK = { error: 2, warning: 1, info: 0 };

  // The same grouping as web/editing/lint_view.py: blaming language first, then by severity;
  // a rule found more than SHOWN_ALONE times is one entry with its lines.
  function entries(findings) {
    var byRule = {};
    var order = [];
    findings.forEach(function (hit) {
      if (!byRule[hit.rule]) { byRule[hit.rule] = []; order.push(hit.rule); }
      byRule[hit.rule].push(hit);
    });
    var out = [];
    order.forEach(function (rule) {
      var hits = byRule[rule];
      var groups = hits.length > SHOWN_ALONE ? [hits] : hits.map(function (hit) { return [hit]; });
      groups.forEach(function (group) { out.push(group); });
    });
    function key(group) {
      var first = group[0];
      return [first.rule.indexOf("BF1") === 0 ? 0 : 1, -(RANK[first.severity] || 0), first.line];
    }
    out.sort(function (a, b) {
      var ka = key(a), kb = key(b);
      for (var i = 0; i < ka.length; i++) { if (ka[i] !== kb[i]) { return ka[i] - kb[i]; } }
      return 0;
    });
    return out;
  }

  function placeOf(field) {
    if (!field) { return ""; }
    var id = "f-" + field.replace(/[._]/g, "-");
    if (document.getElementById(id)) { return "#" + id; }
    var section = "s-" + field.split(".")[0].split("[")[0].replace(/_/g, "-");
    return document.getElementById(section) ? "#" + section : "";
  }

  function showFindings(panel, body) {
    var list = panel.querySelector("[data-lint-list]");
    var count = panel.querySelector("[data-lint-count]");
    var status = panel.querySelector("[data-lint-status]");
    var findings = body.findings || [];
    var problems = body.problems || [];
    list.textContent = "";
    problems.forEach(function (problem) {
      var item = el("li", "lint-problem");
      item.appendChild(el("strong", "", problem.line ? "Line " + problem.line + ": " : "Cannot read: "));
      item.appendChild(document.createTextNode(problem.message));
      list.appendChild(item);
    });
    entries(findings).forEach(function (group) {
      var hit = group[0];
      var item = el("li", "finding lint-" + hit.severity);
      item.appendChild(el("span", "tag lint-level", hit.severity));
      item.appendChild(document.createTextNode(" "));
      item.appendChild(el("code", "", hit.rule));
      item.appendChild(document.createTextNode(" "));
      var where = el("span", "finding-where");
      if (group.length > 1) {
        var lines = group.slice(0, 12).map(function (h) { return h.line; }).join(", ");
        where.textContent = "×" + group.length + ", lines " + lines + (group.length > 12 ? ", …" : "");
      } else {
        where.textContent = "line " + hit.line;
        var href = placeOf(hit.field);
        if (hit.field) {
          where.appendChild(document.createTextNode(" · "));
          if (href) {
            var link = el("a", "", hit.field);
            link.setAttribute("href", href);
            where.appendChild(link);
          } else {
            where.appendChild(document.createTextNode(hit.field));
          }
        }
      }
      item.appendChild(where);
      var more = group.length > 1 ? " (and " + (group.length - 1) + " more like it)" : "";
      item.appendChild(el("p", "finding-message", hit.message + more));
      if (hit.suggestion) { item.appendChild(el("p", "finding-suggestion", "Suggestion: " + hit.suggestion)); }
      list.appendChild(item);
    });
    count.textContent = String(findings.length);
    if (problems.length) {
      status.textContent = "Your unsaved text cannot be linted until this is fixed.";
    } else if (findings.length) {
      status.textContent = "Findings in your unsaved changes.";
    } else {
      status.textContent = "No findings in your unsaved changes.";
    }
  }

  function setUpLint(form, panel) {
    var url = form.getAttribute("data-lint-url");
    if (!url || !panel) { return; }
    var timer = null;
    var asked = 0;
    function run() {
      var mine = ++asked;
      var data = new URLSearchParams();
      new FormData(form).forEach(function (value, key) {
        if (typeof value === "string") { data.append(key, value); }
      });
      panel.setAttribute("aria-busy", "true");
      fetch(url, {
        method: "POST",
        headers: { "X-CSRF-Token": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
        body: data.toString(),
        credentials: "same-origin"
      }).then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      }).then(function (body) {
        if (mine === asked) { showFindings(panel, body); }
      }).catch(function () {
        if (mine === asked) {
          panel.querySelector("[data-lint-status]").textContent = "Lint is not available just now; it runs again when you save.";
        }
      }).finally(function () { panel.removeAttribute("aria-busy"); });
    }
    function later() {
      if (timer) { window.clearTimeout(timer); }
      timer = window.setTimeout(run, LINT_DELAY_MS);
    }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
  }

  // --- someone else saved ---------------------------------------------------------------------
  function setUpVersionWatch(form) {
    var url = form.getAttribute("data-version-url");
    var loaded = parseInt(form.getAttribute("data-version") || "0", 10);
    var notice = document.querySelector("[data-changed-notice]");
    if (!url || !notice || !loaded) { return; }
    function check() {
      if (document.hidden) { return; }
      fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      }).then(function (info) {
        if (info.version > loaded) {
          var when = new Date(info.updated_at);
          var zone = form.getAttribute("data-zone") || "UTC";
          var shown;
          try {
            shown = when.toLocaleTimeString([], { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }) + " " + zone;
          } catch (e) {
            shown = when.toISOString().slice(11, 16) + " UTC";
          }
          var text = "Version " + info.version + " was saved at " + shown +
            (info.by ? " by " + info.by : "") + ".";
          notice.querySelector("[data-changed-text]").textContent = text;
          notice.hidden = false;
        }
      }).catch(function () { /* the next poll tries again */ });
    }
    window.setInterval(check, POLL_MS);
    document.addEventListener("visibilitychange", check);
  }

  // --- Markdown: go to the line an error names ------------------------------------------------
  function goToErrorLine(form) {
    var line = parseInt(form.getAttribute("data-error-line") || "0", 10);
    var area = form.querySelector("textarea");
    if (!line || !area) { return; }
    var lines = area.value.split("\n");
    var start = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) { start += lines[i].length + 1; }
    var end = start + (lines[line - 1] || "").length;
    area.focus();
    area.setSelectionRange(start, end);
    var height = parseFloat(window.getComputedStyle(area).lineHeight) || 20;
    area.scrollTop = Math.max(0, (line - 5) * height);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-rows]").forEach(setUpRows);
    var panel = document.querySelector("[data-lint-panel]");
    document.querySelectorAll("form[data-edit-form]").forEach(function (form) {
      setUpLint(form, panel);
      setUpVersionWatch(form);
      goToErrorLine(form);
    });
  });
})();
