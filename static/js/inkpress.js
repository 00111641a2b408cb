/* inkpress default theme: the light/dark switch. The inline script in <head> has already
   applied a kept choice before the first paint; this file only handles the button. */
(function () {
  "use strict";
  var root = document.documentElement;
  var system = matchMedia("(prefers-color-scheme: dark)");
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
    });
  }
})();
