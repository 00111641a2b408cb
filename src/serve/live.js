// inkpress serve: live reload. Injected into served pages only, never into `build` output.
// Follows the server's state over server-sent events: reloads the page when the site
// changed, swaps stylesheets when only CSS changed, and shows build errors in an overlay.
(function () {
  "use strict";
  var script = document.currentScript;
  var shown = Number(script && script.dataset.generation) || 0;
  var OVERLAY_ID = "inkpress-error-overlay";

  function swapStylesheets(generation) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.href, location.href);
      if (url.origin !== location.origin) return;
      url.searchParams.set("inkpress-reload", String(generation));
      // The new sheet loads beside the old one, which goes only then: no unstyled flash.
      var fresh = link.cloneNode();
      fresh.href = url.href;
      fresh.onload = fresh.onerror = function () { link.remove(); };
      link.after(fresh);
    });
  }

  function hideOverlay() {
    var old = document.getElementById(OVERLAY_ID);
    if (old) old.remove();
  }

  function showOverlay(errors) {
    hideOverlay();
    var box = document.createElement("div");
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alert");
    box.style.cssText =
      "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:2rem;" +
      "background:rgba(20,20,24,.94);color:#f4f4f5;font:14px/1.5 ui-monospace,monospace;";
    var title = document.createElement("h2");
    title.style.cssText = "margin:0 0 1rem;color:#fca5a5;font-size:1.2rem;";
    title.textContent = "inkpress: the build failed (" + errors.length + " error" +
      (errors.length === 1 ? "" : "s") + "); showing the last good site underneath";
    box.appendChild(title);
    errors.forEach(function (e) {
      var item = document.createElement("pre");
      item.className = "inkpress-error";
      item.style.cssText = "white-space:pre-wrap;margin:0 0 1.25rem;";
      var where = e.file + (e.line ? ":" + e.line + (e.column ? ":" + e.column : "") : "");
      var text = where + "\n" + e.message;
      if (e.source_line) text += "\n\n    " + e.source_line;
      if (e.hint) text += "\n\nhelp: " + e.hint;
      item.textContent = text;
      box.appendChild(item);
    });
    var note = document.createElement("p");
    note.textContent = "Fix the file and save: this goes away by itself.";
    box.appendChild(note);
    document.body.appendChild(box);
  }

  // Naming the page makes serve build it first and reload it as soon as it is made.
  var events = new EventSource("/__inkpress/events?page=" + encodeURIComponent(location.pathname));
  events.onmessage = function (message) {
    var state = JSON.parse(message.data);
    if (state.errors.length > 0) {
      showOverlay(state.errors);
      return;
    }
    hideOverlay();
    // 0: the first build is still running; its end tells its generation.
    if (state.generation === shown || state.generation === 0) return;
    if (state.css_only && state.generation === shown + 1) {
      swapStylesheets(state.generation);
      shown = state.generation;
      return;
    }
    location.reload();
  };
})();
