// inkpress search box: a dialog over Pagefind's JavaScript API (the index `build` writes).
// Opened by the header's Search link, `/`, Ctrl-K or ⌘K; without JavaScript that link
// leads to /search/, which lists the tags instead.
(function () {
  "use strict";
  var script = document.currentScript;
  var bundle = script && script.dataset.bundle;
  var opener = document.querySelector("[data-search-open]");
  if (!bundle || !opener || !window.HTMLDialogElement) return;

  var dialog, input, list, status, pagefind, active = -1, query = 0;

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "search-dialog";
    dialog.setAttribute("aria-label", "Search");
    dialog.innerHTML =
      '<div class="search-box">' +
      '<input type="search" class="search-input" placeholder="Search posts" autocomplete="off" spellcheck="false"' +
      ' role="combobox" aria-autocomplete="list" aria-expanded="false" aria-controls="search-results" aria-label="Search posts">' +
      '<button type="button" class="search-close" aria-label="Close search">Esc</button></div>' +
      '<p class="search-status" role="status" aria-live="polite"></p>' +
      '<ul class="search-results" id="search-results" role="listbox" aria-label="Results"></ul>';
    document.body.appendChild(dialog);
    input = dialog.querySelector(".search-input");
    list = dialog.querySelector(".search-results");
    status = dialog.querySelector(".search-status");
    input.addEventListener("input", function () { search(input.value); });
    input.addEventListener("keydown", keys);
    dialog.querySelector(".search-close").addEventListener("click", close);
    // A click on the backdrop (outside the box) closes it, as Escape does.
    dialog.addEventListener("click", function (e) { if (e.target === dialog) close(); });
    dialog.addEventListener("close", function () { document.documentElement.classList.remove("search-open"); });
  }

  function load() {
    if (!pagefind) {
      pagefind = import(bundle + "pagefind.js").then(function (pf) {
        // The index holds whole paths (`/repo/blog/x/`): nothing is to be put before them.
        return pf.options({ baseUrl: "/", excerptLength: 24 }).then(function () { return pf; });
      });
    }
    return pagefind;
  }

  function open() {
    if (!dialog) build();
    if (!dialog.open) dialog.showModal();
    document.documentElement.classList.add("search-open");
    input.focus();
    input.select();
    load().catch(function () { status.textContent = "Search could not be loaded."; });
  }

  function close() { if (dialog && dialog.open) dialog.close(); }

  // Copies Pagefind's excerpt keeping only its text and <mark>s: nothing else can get in.
  function excerpt(html) {
    var t = document.createElement("template"), p = document.createElement("p");
    t.innerHTML = html;
    t.content.childNodes.forEach(function (n) {
      if (n.nodeName === "MARK") {
        var m = document.createElement("mark");
        m.textContent = n.textContent;
        p.appendChild(m);
      } else {
        p.appendChild(document.createTextNode(n.textContent));
      }
    });
    p.className = "search-excerpt";
    return p;
  }

  function item(data, i) {
    var li = document.createElement("li"), a = document.createElement("a");
    li.id = "search-result-" + i;
    li.setAttribute("role", "option");
    a.href = data.url;
    a.tabIndex = -1;
    var title = document.createElement("span");
    title.className = "search-title";
    title.textContent = (data.meta && data.meta.title) || data.url;
    a.appendChild(title);
    if (data.meta && data.meta.date) {
      var date = document.createElement("span");
      date.className = "search-date";
      date.textContent = data.meta.date;
      a.appendChild(date);
    }
    a.appendChild(excerpt(data.excerpt || ""));
    var tags = ((data.meta && data.meta.tags) || "").split(",").map(function (s) { return s.trim(); }).filter(Boolean);
    if (tags.length) {
      var ul = document.createElement("span");
      ul.className = "search-tags";
      tags.forEach(function (t) {
        var s = document.createElement("span");
        s.className = "tag";
        s.textContent = t;
        ul.appendChild(s);
      });
      a.appendChild(ul);
    }
    li.appendChild(a);
    li.addEventListener("mousemove", function () { select(i); });
    return li;
  }

  function search(text) {
    var mine = ++query;
    text = text.trim();
    if (!text) { show([], ""); return; }
    load().then(function (pf) { return pf.debouncedSearch(text, {}, 120); }).then(function (found) {
      if (found === null || mine !== query) return; // A newer query is on its way.
      return Promise.all(found.results.slice(0, 8).map(function (r) { return r.data(); })).then(function (data) {
        if (mine !== query) return;
        var n = found.results.length;
        show(data, n ? n + (n === 1 ? " result" : " results") : "No results for “" + text + "”");
      });
    }).catch(function () { status.textContent = "Search could not be loaded."; });
  }

  function show(data, message) {
    list.textContent = "";
    data.forEach(function (d, i) { list.appendChild(item(d, i)); });
    status.textContent = message;
    input.setAttribute("aria-expanded", data.length ? "true" : "false");
    select(data.length ? 0 : -1);
  }

  function select(i) {
    var items = list.children;
    if (active >= 0 && items[active]) items[active].setAttribute("aria-selected", "false");
    active = i;
    if (i >= 0 && items[i]) {
      items[i].setAttribute("aria-selected", "true");
      items[i].scrollIntoView({ block: "nearest" });
      input.setAttribute("aria-activedescendant", items[i].id);
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function keys(e) {
    var n = list.children.length;
    if (e.key === "ArrowDown" && n) { e.preventDefault(); select((active + 1) % n); }
    else if (e.key === "ArrowUp" && n) { e.preventDefault(); select((active - 1 + n) % n); }
    // The dialog's own Escape handling is skipped by some browsers without a user gesture.
    else if (e.key === "Escape") { e.preventDefault(); close(); }
    else if (e.key === "Enter" && active >= 0 && list.children[active]) {
      e.preventDefault();
      window.location.href = list.children[active].querySelector("a").href;
    }
  }

  opener.addEventListener("click", function (e) { e.preventDefault(); open(); });
  document.addEventListener("keydown", function (e) {
    var t = e.target, typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if ((e.key === "k" || e.key === "K") && (e.ctrlKey || e.metaKey)) { e.preventDefault(); open(); }
    else if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); open(); }
  });
})();
