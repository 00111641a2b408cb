// inkpress search box: a dialog over the search index `build` writes (no library).
// Opened by the header's Search link, `/`, Ctrl-K or ⌘K; without JavaScript that link
// leads to /search/, which lists the tags instead.
(function () {
  "use strict";
  var script = document.currentScript;
  var bundle = script && script.dataset.bundle;
  var opener = document.querySelector("[data-search-open]");
  if (!bundle || !opener || !window.HTMLDialogElement) return;

  var dialog, input, list, status, active = -1, query = 0;

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

  // The index (written by `build`, see src/render/search/index.rs): index.json, then
  // terms/<shard>.json for each typed word, docs/<n>.json and the text/<n>[-<block>].json
  // that holds each shown result's match.
  var files = {};
  function get(path) {
    if (!files[path]) {
      files[path] = fetch(bundle + path).then(function (r) {
        if (!r.ok) throw new Error(path + ": " + r.status);
        return r.json();
      });
      files[path].catch(function () { delete files[path]; });
    }
    return files[path];
  }

  // The index's words are stems (Snowball, for the site's language). Where this theme
  // has the same stemmer (stem-<name>.js beside this script) a typed word is stemmed too;
  // elsewhere it matches the words each stem was made from.
  var stemmers = window.inkpressStemmers = window.inkpressStemmers || {};
  var loading = {};
  function stemmer(name) {
    var src = script.src.replace(/search\.js(\?.*)?$/, "stem-" + name + ".js");
    if (!/^[a-z]+$/.test(name) || src === script.src) return Promise.resolve();
    if (!loading[name]) {
      loading[name] = new Promise(function (resolve) {
        var s = document.createElement("script");
        s.src = src;
        s.onload = s.onerror = function () { resolve(); };
        document.head.appendChild(s);
      });
    }
    return loading[name];
  }
  function load() {
    return get("index.json").then(function (head) {
      return head.stemmer ? stemmer(head.stemmer).then(function () { return head; }) : head;
    });
  }
  function stem(head, word) {
    var f = head.stemmer && stemmers[head.stemmer];
    return f ? f(word) : word;
  }

  // A word as the index has it: letters and digits, lowercased, 2 to 32 characters.
  var SPLIT = /[^\p{L}\p{N}]+/u;
  function words(text) {
    return text.toLowerCase().split(SPLIT).map(function (w) { return Array.from(w).slice(0, 32).join(""); })
      .filter(function (w, i, all) { return Array.from(w).length >= 2 && all.indexOf(w) === i; });
  }
  function shard(word) {
    return Array.from(word).slice(0, 2).map(function (c) {
      return /[a-z0-9]/.test(c) ? c : "_" + c.codePointAt(0).toString(16);
    }).join("");
  }
  function starts(text, word) { return text.lastIndexOf(word, 0) === 0; }

  // Each document with a term that `word` finds, its best score and the block of its text
  // that has the match; and the words found, to mark in excerpts. A term is found by the
  // typed word's stem (counting twice), or by the beginning of the stem or of a word
  // made into it (`light` finds `lighthouse`).
  function postings(head, word) {
    var stemmed = stem(head, word), per = head.block_weight;
    var names = [shard(word), shard(stemmed)].filter(function (n, i, all) {
      return head.shards.indexOf(n) >= 0 && all.indexOf(n) === i;
    });
    return Promise.all(names.map(function (n) { return get("terms/" + n + ".json"); })).then(function (shards) {
      var found = { docs: {}, words: [] };
      shards.forEach(function (file) {
        Object.keys(file.terms).forEach(function (term) {
          var forms = file.forms[term] || [];
          var whole = term === stemmed || forms.indexOf(word) >= 0;
          if (!whole && !starts(term, word) && !forms.some(function (f) { return starts(f, word); })) return;
          found.words.push(term);
          found.words.push.apply(found.words, forms);
          var list = file.terms[term], doc = 0, weight = whole ? 2 : 1;
          for (var i = 0; i < list.length; i += 2) {
            doc += list[i];
            var score = (list[i + 1] % per) * weight, block = Math.floor(list[i + 1] / per);
            var had = found.docs[doc];
            if (!had) found.docs[doc] = { score: score, block: block };
            else { had.score = Math.max(had.score, score); had.block = Math.min(had.block, block); }
          }
        });
      });
      return found;
    });
  }

  // The documents with every word, best first, each with the block of its earliest match;
  // and every word found.
  function ranked(head, typed) {
    return Promise.all(typed.map(function (w) { return postings(head, w); })).then(function (each) {
      var total = each[0].docs, found = {};
      each.slice(1).forEach(function (one) {
        Object.keys(total).forEach(function (d) {
          var hit = one.docs[d];
          if (!hit) { delete total[d]; return; }
          total[d].score += hit.score;
          total[d].block = Math.min(total[d].block, hit.block);
        });
      });
      each.forEach(function (one) { one.words.forEach(function (w) { found[w] = true; }); });
      var docs = Object.keys(total).map(Number).sort(function (a, b) {
        return total[b].score - total[a].score || a - b;
      }).map(function (d) { return { doc: d, block: total[d].block }; });
      return { docs: docs, words: found };
    });
  }

  function result(head, hit, marks) {
    var doc = hit.doc, texts = Math.floor(doc / head.text_chunk);
    return Promise.all([
      get("docs/" + Math.floor(doc / head.chunk) + ".json"),
      get("text/" + texts + (hit.block ? "-" + hit.block : "") + ".json")
    ]).then(function (got) {
      var data = got[0][doc % head.chunk];
      data.excerpt = excerpt(got[1][doc % head.text_chunk], marks);
      return data;
    });
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

  // About 24 words of the text around the first word found, words found marked: those
  // the index matched (any form of a stem) and those that start with a typed word.
  function excerpt(text, marks) {
    var parts = text.split(/([^\p{L}\p{N}]+)/u), p = document.createElement("p");
    var hit = function (w) {
      w = w.toLowerCase();
      return marks.words[w] === true || marks.typed.some(function (t) { return starts(w, t); });
    };
    var first = 0;
    for (var i = 0; i < parts.length; i += 2) if (hit(parts[i])) { first = i; break; }
    var start = Math.max(0, first - 16), end = Math.min(parts.length, start + 48);
    if (start > 0) p.appendChild(document.createTextNode("… "));
    for (var k = start; k < end; k++) {
      if (k % 2 === 0 && parts[k] && hit(parts[k])) {
        var m = document.createElement("mark");
        m.textContent = parts[k];
        p.appendChild(m);
      } else {
        p.appendChild(document.createTextNode(parts[k]));
      }
    }
    if (end < parts.length) p.appendChild(document.createTextNode(" …"));
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
    title.textContent = data.title || data.url;
    a.appendChild(title);
    if (data.date) {
      var date = document.createElement("span");
      date.className = "search-date";
      date.textContent = data.date;
      a.appendChild(date);
    }
    a.appendChild(data.excerpt);
    var tags = data.tags || [];
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

  var timer;
  function search(text) {
    var mine = ++query, typed = words(text);
    clearTimeout(timer);
    if (!typed.length) { show([], ""); return; }
    // Wait for a pause in typing before fetching.
    timer = setTimeout(function () {
      load().then(function (head) {
        return ranked(head, typed).then(function (found) {
          if (mine !== query) return;
          var marks = { words: found.words, typed: typed };
          return Promise.all(found.docs.slice(0, 8).map(function (hit) { return result(head, hit, marks); })).then(function (data) {
            if (mine !== query) return;
            var n = found.docs.length;
            show(data, n ? n + (n === 1 ? " result" : " results") : "No results for “" + text.trim() + "”");
          });
        });
      }).catch(function () { if (mine === query) status.textContent = "Search could not be loaded."; });
    }, 120);
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
