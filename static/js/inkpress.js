/* inkpress default theme: the light/dark switch (the inline script in <head> has already
   applied a kept choice before the first paint), a copy button on code blocks, and the
   table of contents' mark on the section being read, and comments loaded only when the
   reader gets near them. */
(function () {
  "use strict";
  var root = document.documentElement;
  var system = matchMedia("(prefers-color-scheme: dark)");
  var onScheme = [];
  var schemeChanged = function () { onScheme.forEach(function (f) { f(); }); };
  system.addEventListener("change", schemeChanged);
  function isDark() {
    var chosen = root.getAttribute("data-theme");
    return chosen ? chosen === "dark" : system.matches;
  }

  var toggle = document.querySelector(".theme-toggle");
  if (toggle) {
    var sync = function () { toggle.setAttribute("aria-pressed", String(isDark())); };
    sync();
    system.addEventListener("change", sync);
    toggle.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem("inkpress-theme", next); } catch (e) { /* private mode: this page only */ }
      sync();
      schemeChanged();
    });
  }

  // Copy buttons, made here so that a reader without script sees no dead button. One
  // live region tells screen readers the code was copied.
  var blocks = document.querySelectorAll("pre.code");
  if (blocks.length && navigator.clipboard) {
    var status = document.createElement("div");
    status.className = "sr-only";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    document.body.appendChild(status);
    var say = function (button, text) {
      button.textContent = status.textContent = text;
      setTimeout(function () { button.textContent = "Copy"; status.textContent = ""; }, 2000);
    };
    Array.prototype.forEach.call(blocks, function (pre) {
      var wrap = document.createElement("div");
      wrap.className = "code-wrap";
      pre.parentNode.insertBefore(wrap, pre);
      wrap.appendChild(pre);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy code");
      button.addEventListener("click", function () {
        var code = pre.querySelector("code") || pre;
        navigator.clipboard.writeText(code.textContent).then(
          function () { say(button, "Copied"); },
          function () { say(button, "Copy failed"); }
        );
      });
      wrap.appendChild(button);
    });
  }

  // The table of contents: open beside the text on wide screens; the section whose
  // heading last passed the upper third of the window is marked. The observer only says
  // when a heading crosses that line; which one is current is then read from the page.
  var toc = document.querySelector(".toc");
  if (toc) {
    var wide = matchMedia("(min-width: 80rem)");
    var openOnWide = function () { if (wide.matches) toc.open = true; };
    openOnWide();
    wide.addEventListener("change", openOnWide);
    var links = {};
    Array.prototype.forEach.call(toc.querySelectorAll("a[href^='#']"), function (a) {
      links[decodeURIComponent(a.hash.slice(1))] = a;
    });
    var headings = Array.prototype.filter.call(
      document.querySelectorAll(".prose [id]"), function (h) { return links[h.id]; });
    var current = null;
    var mark = function () {
      var line = innerHeight / 3, now = headings[0];
      headings.forEach(function (h) { if (h.getBoundingClientRect().top <= line) now = h; });
      if (!now || now === current) return;
      if (current) links[current.id].removeAttribute("aria-current");
      current = now;
      links[now.id].setAttribute("aria-current", "location");
    };
    if (headings.length && "IntersectionObserver" in window) {
      var observer = new IntersectionObserver(mark, { rootMargin: "0px 0px -67% 0px" });
      headings.forEach(function (h) { observer.observe(h); });
    }
  }

  // Comments: the provider's script is added when the reader comes near the end of the
  // post, never before; it takes the page's scheme and follows the switch.
  var comments = document.querySelector(".comments[data-provider]");
  if (comments && "IntersectionObserver" in window) {
    var c = comments.dataset, giscus = c.provider === "giscus";
    var origin = giscus ? "https://giscus.app" : "https://utteranc.es";
    var theme = function () {
      return (giscus ? "" : "github-") + (isDark() ? "dark" : "light");
    };
    var load = function () {
      var s = document.createElement("script");
      var attrs = giscus
        ? { "data-repo": c.repo, "data-repo-id": c.repoId, "data-category": c.category,
            "data-category-id": c.categoryId, "data-mapping": c.term, "data-reactions-enabled": "1",
            "data-emit-metadata": "0", "data-input-position": "top", "data-theme": theme(),
            "data-lang": root.lang || "en", "data-loading": "lazy" }
        : { "repo": c.repo, "issue-term": c.term, "label": c.label, "theme": theme() };
      Object.keys(attrs).forEach(function (k) { if (attrs[k]) s.setAttribute(k, attrs[k]); });
      s.src = origin + "/client.js";
      s.async = true;
      s.crossOrigin = "anonymous";
      comments.appendChild(s);
    };
    var near = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) { near.disconnect(); load(); }
    }, { rootMargin: "400px 0px" });
    near.observe(comments);
    onScheme.push(function () {
      var frame = comments.querySelector("iframe");
      if (frame) {
        frame.contentWindow.postMessage(giscus ? { giscus: { setConfig: { theme: theme() } } }
          : { type: "set-theme", theme: theme() }, origin);
      }
    });
  }
})();
