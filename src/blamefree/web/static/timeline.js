// Blamefree timeline editor: forms and Edit/Remove links answered in place (fetch), so the
// event list, phase times and metrics refresh without a full page load. Without this script
// every form posts and redirects back to the same page.
"use strict";
(function () {
  var ROOT = "[data-timeline-editor]";

  function root() { return document.querySelector(ROOT); }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function focusAfterSwap(container, anchor) {
    var target = container.querySelector("[autofocus]");
    if (!target && anchor) { target = document.getElementById(anchor); }
    var flash = container.querySelector(".tl-flash");
    if (!target && flash && flash.dataset.focus) {
      target = document.getElementById(flash.dataset.focus);
    }
    if (target) {
      target.focus();
      if (target.scrollIntoView) { target.scrollIntoView({ block: "nearest" }); }
    }
    var announce = document.getElementById("tl-announce");
    var said = container.querySelector(".tl-flash, [role=alert], .tl-error");
    if (announce) { announce.textContent = said ? said.textContent.trim() : ""; }
  }

  function swap(html, anchor) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    var incoming = fresh.querySelector(ROOT);
    var current = root();
    if (!incoming || !current) { return false; }
    current.replaceWith(incoming);
    document.title = fresh.title || document.title;
    var meta = fresh.querySelector('meta[name="csrf-token"]');
    var mine = document.querySelector('meta[name="csrf-token"]');
    if (meta && mine) { mine.setAttribute("content", meta.getAttribute("content")); }
    focusAfterSwap(incoming, anchor);
    return true;
  }

  function showPage(html) {
    // not the editor (an error page): shown as it came, never sent again
    var fresh = new DOMParser().parseFromString(html, "text/html");
    document.title = fresh.title || document.title;
    document.body.replaceWith(document.importNode(fresh.body, true));
  }

  function unreachable() {
    var current = root();
    if (current) { current.classList.remove("tl-busy"); current.removeAttribute("aria-busy"); }
    var announce = document.getElementById("tl-announce");
    var message = "The server did not answer. Reload the page to see what is stored before trying again.";
    if (announce) { announce.textContent = message; }
    window.alert(message);
  }

  function load(url, options, offline) {
    var anchor = url.indexOf("#") >= 0 ? url.split("#")[1] : null;
    var current = root();
    if (current) { current.classList.add("tl-busy"); current.setAttribute("aria-busy", "true"); }
    options.credentials = "same-origin";
    options.headers = { "X-CSRF-Token": csrfToken(), "Accept": "text/html" };
    return fetch(url, options)
      .then(function (response) {
        return response.text().then(function (html) {
          if (!swap(html, anchor)) { showPage(html); return; }
          if (response.ok && response.redirected) {
            history.replaceState(null, "", response.url);
          }
        });
      }, offline);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement) || !form.closest(ROOT)) {
      return;
    }
    event.preventDefault();
    var submitter = event.submitter || null;
    var data = new FormData(form, submitter || undefined);
    var action = submitter && submitter.hasAttribute("formaction") ? submitter.formAction : form.action;
    // a write is never sent twice: if the server does not answer, the person is told
    load(action, { method: "POST", body: data }, unreachable);
  });

  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("a[data-partial]") : null;
    if (!link || !link.closest(ROOT) || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    var href = link.getAttribute("href");
    load(href, { method: "GET" }, function () { window.location.assign(href); }).then(function () {
      history.replaceState(null, "", href.split("#")[0]);
    });
  });
})();
