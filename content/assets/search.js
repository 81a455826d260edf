// The header's search: loads Pagefind (its UI, scripts and index, all on this site) only when the reader
// opens or focuses the search; '/' opens it, arrows move through the results, Escape closes it.
// normalise()/reduce() mirror scripts/publish/searchtext.py, which indexes the same forms of each word.
(function () {
  "use strict";
  var LETTERS = { "\u0629": "\u0647", "\u0649": "\u064a", "\u0640": "" };  // ة→ه ى→ي, tatweel dropped
  var ARTICLES = ["\u0648\u0627\u0644", "\u0628\u0627\u0644", "\u0643\u0627\u0644", "\u0641\u0627\u0644", "\u0644\u0644", "\u0627\u0644"];
  function normalise(word) {
    return word.toLowerCase().replace(/[\u0629\u0649\u0640]/g, function (c) { return LETTERS[c]; })
      .normalize("NFD").replace(/\p{M}/gu, "");
  }
  function stripArticle(word) {
    for (var i = 0; i < ARTICLES.length; i++) {
      var a = ARTICLES[i];
      if (word.indexOf(a) === 0 && word.length - a.length >= 2) return word.slice(a.length);
    }
    return word;
  }
  function reduce(term) {
    // normalised before it is split: tashkeel are not letters
    return (normalise(term).match(/[\p{L}\p{N}_]+/gu) || []).map(stripArticle).join(" ");
  }
  var root = document.querySelector("[data-archive-search]");
  if (!root) return;
  var dialog = root.querySelector("dialog"), opener = root.querySelector("button"), loading = null;
  function load() {
    if (loading) return loading;
    var bundle = new URL(root.getAttribute("data-bundle"), document.baseURI).href;
    var css = document.createElement("link");
    css.rel = "stylesheet"; css.href = bundle + "pagefind-ui.css";
    document.head.appendChild(css);
    loading = new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = bundle + "pagefind-ui.js";
      s.onload = function () {
        new window.PagefindUI({
          element: root.querySelector("[data-archive-search-ui]"), bundlePath: bundle,
          baseUrl: new URL(bundle + "../", document.baseURI).pathname, showImages: false,
          resetStyles: false, processTerm: reduce, autofocus: true
        });
        var field = input(), form = dialog.querySelector("form");
        if (field) {
          field.setAttribute("aria-labelledby", "archive-search-label");  // the dialog's visible heading
          field.removeAttribute("autofocus");  // focused by open(); no script: address or autofocus left
        }
        if (form) {
          form.removeAttribute("action");  // Pagefind's is a javascript: address; this stops the submit
          form.addEventListener("submit", function (e) { e.preventDefault(); });
        }
        resolve();
      };
      s.onerror = reject;
      document.head.appendChild(s);
    });
    return loading;
  }
  function input() { return dialog.querySelector("input"); }
  function open() {
    if (!dialog.open) dialog.showModal();
    load().then(function () { var i = input(); if (i) i.focus(); });
  }
  opener.addEventListener("click", open);
  // Other buttons that open the search (the 404 page's): shown only where this script runs.
  Array.prototype.forEach.call(document.querySelectorAll("[data-archive-search-open]"), function (b) {
    b.hidden = false;
    b.addEventListener("click", open);
  });
  opener.addEventListener("focus", load);
  document.addEventListener("keydown", function (e) {
    var t = e.target, typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey && !dialog.open) {
      e.preventDefault(); open();
    }
  });
  dialog.addEventListener("keydown", function (e) {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    var links = Array.prototype.slice.call(dialog.querySelectorAll(".pagefind-ui__result-link"));
    if (!links.length) return;
    var at = links.indexOf(document.activeElement), step = e.key === "ArrowDown" ? 1 : -1;
    e.preventDefault();
    if (at === -1) { if (step === 1) links[0].focus(); return; }
    var next = at + step;
    if (next < 0) input().focus(); else links[Math.min(next, links.length - 1)].focus();
  });
  dialog.addEventListener("click", function (e) { if (e.target === dialog) dialog.close(); });  // the backdrop
  window.archiveSearchReduce = reduce;  // for tests
})();
