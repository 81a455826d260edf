// The header's search: our own result list over Pagefind's API (pagefind.js: search(), result.data()), loaded
// from this site only when the reader opens or focuses the search. '/' opens it, arrows move through the
// results, Enter opens one, Escape closes and focus goes back where it was.
// Results are page text, hence untrusted: every node is built with textContent, the excerpt's marks too.
// normalise()/reduce() mirror scripts/publish/searchtext.py, which indexes the same forms of each word.
(function () {
  "use strict";
  var LETTERS = { "\u0629": "\u0647", "\u0649": "\u064a", "\u0640": "" };  // ة→ه ى→ي, tatweel dropped
  var ARTICLES = ["\u0648\u0627\u0644", "\u0628\u0627\u0644", "\u0643\u0627\u0644", "\u0641\u0627\u0644", "\u0644\u0644", "\u0627\u0644"];
  var PREFIXES = "\u0648\u0628\u0644\u0641";  // و ب ل ف
  var SENTINEL = "\u2042";  // searchtext.SENTINEL: where the hidden normalised copy starts in a page's text
  var DELTA = "archive_delta";  // searchdelta.KEY
  var EXCERPT = 30, PAGE = 5, PAUSE = 250;  // words per excerpt, results per batch, ms of typing pause
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
  function tokens(text) { return normalise(text).match(/[\p{L}\p{N}_]+/gu) || []; }  // tashkeel are not letters
  function reduce(term) { return tokens(term).map(stripArticle).join(" "); }

  var root = document.querySelector("[data-archive-search]");
  if (!root) return;
  var dialog = root.querySelector("dialog"), opener = root.querySelector("button");
  var field = dialog.querySelector("input"), status = dialog.querySelector("[role=status]");
  var list = dialog.querySelector("ol"), more = dialog.querySelector("[data-more]");
  var text = JSON.parse(root.getAttribute("data-text")), loading = null, asked = 0, found = [], shown = 0, back = null;
  var terms = [];

  // After an edit build, a language's changed pages are in a second index (pagefind/delta/, see
  // scripts/publish/searchdelta.py): pagefind-entry.json lists, per such language, the primary index's ids of the
  // pages it replaces. Pagefind reads that file too, but keeps its contents to itself: one more small request.
  var stale = Object.create(null);
  function load() {
    if (loading) return loading;
    var bundle = new URL(root.getAttribute("data-bundle"), document.baseURI).href;
    var lang = (document.documentElement.lang || "").toLowerCase();
    // no-cache: asked again of the server (as pagefind.js does), never a copy from before the last build
    var entry = fetch(bundle + "pagefind-entry.json", { cache: "no-cache" }).then(function (r) { return r.json(); });
    loading = Promise.all([import(bundle + "pagefind.js"), entry]).then(function (got) {
      var pf = got[0], delta = got[1][DELTA] && got[1][DELTA][lang];
      var opts = { baseUrl: new URL(bundle + "../", document.baseURI).pathname, excerptLength: EXCERPT };
      return pf.options(Object.assign({ noWorker: true }, opts))  // searching our index is quick: spare the reader the worker's 41 KB
        .then(function () { return pf.init(); })
        .then(function () {
          if (!Array.isArray(delta)) return;
          delta.forEach(function (id) { stale[id] = true; });
          return pf.mergeIndex(new URL(bundle + "delta/").pathname, opts);
        }).then(function () { return pf; });
    });
    loading.catch(function () { say(text.failed); });
    return loading;
  }
  // The results without the primary index's copies of pages the delta holds (and each page once), before counting
  function current(results) {
    var seen = Object.create(null);
    return results.filter(function (r) {
      if (stale[r.id] || seen[r.id]) return false;
      seen[r.id] = true;
      return true;
    });
  }
  function say(message) { status.textContent = message; }

  // A word of the page matches when one of its forms starts with a query term (Pagefind matches prefixes)
  function matches(word) {
    return tokens(word).some(function (t) {
      var forms = [t, stripArticle(t)];
      if (PREFIXES.indexOf(t[0]) >= 0 && t.length >= 4) forms.push(t.slice(1), stripArticle(t.slice(1)));
      return forms.some(function (f) { return terms.some(function (q) { return f.indexOf(q) === 0; }); });
    });
  }
  // The excerpt from the visible text only: Pagefind's own would show the hidden copy's words when they matched
  function excerpt(data) {
    var words = data.content.split(/[\r\n\s]+/g), end = words.indexOf(SENTINEL);
    if (end < 0) end = words.length;
    var hits = (data.locations || []).filter(function (at) { return at < end; });
    if (!hits.length) {
      for (var i = 0; i < end; i++) if (matches(words[i])) hits.push(i);
    }
    var from = hits.length ? Math.max(0, Math.min(hits[0] - Math.floor(EXCERPT / 3), end - EXCERPT)) : 0;
    var to = Math.min(end, from + EXCERPT), marked = {}, p = document.createElement("p");
    hits.forEach(function (at) { marked[at] = true; });
    p.className = "archive-search__excerpt";
    p.dir = "auto";
    if (from > 0) p.appendChild(document.createTextNode("… "));
    for (var w = from; w < to; w++) {
      if (w > from) p.appendChild(document.createTextNode(" "));
      if (marked[w]) {
        var mark = document.createElement("mark");
        mark.textContent = words[w];
        p.appendChild(mark);
      } else {
        p.appendChild(document.createTextNode(words[w]));
      }
    }
    if (to < end) p.appendChild(document.createTextNode(" …"));
    return p;
  }
  function item(data) {
    var url = new URL(data.url, location.href);
    if (url.origin !== location.origin) return null;  // the index only holds this site's pages
    var li = document.createElement("li"), a = document.createElement("a");
    a.className = "archive-search__link";
    a.href = url.href;
    a.dir = "auto";
    a.textContent = (data.meta && data.meta.title) || url.pathname;
    li.appendChild(a);
    li.appendChild(excerpt(data));
    return li;
  }
  // The batch's pages are all asked for at once; each result shows, in rank order, as soon as its page and those
  // above it have come (one slow page must not hold back the first result). One batch at a time, so that results
  // stay in rank order; the list is aria-busy until the whole batch is in.
  function showMore(mine) {
    var batch = found.slice(shown, shown + PAGE);
    shown += batch.length;
    more.hidden = true;
    list.setAttribute("aria-busy", "true");
    function done() {
      if (mine !== asked) return;
      list.removeAttribute("aria-busy");
      more.hidden = shown >= found.length;
    }
    return batch.map(function (r) { return r.data(); }).reduce(function (above, page) {
      return above.then(function () { return page; }).then(function (data) {
        if (mine !== asked) return;
        var li = item(data);
        if (li) list.appendChild(li);
      });
    }, Promise.resolve()).then(done, function (e) { done(); throw e; });
  }
  // The last search, kept: Enter after the pause, or the same words again (another case, accent or space), show
  // its results without ranking the pages once more (hundreds of ms for a word on thousands of pages)
  var kept = { term: null, search: null };
  function searched(term) {
    if (term !== kept.term) kept = { term: term, search: load().then(function (pf) { return pf.search(term); }) };
    var search = kept.search;
    search.catch(function () { if (kept.search === search) kept = { term: null, search: null }; });  // a failure is not kept
    return search;
  }
  function run() {
    var mine = ++asked, query = field.value.trim();
    list.removeAttribute("aria-busy");  // a batch of the last query that is still coming will not be shown
    terms = reduce(query).split(" ").filter(Boolean);
    if (!terms.length) {
      list.textContent = ""; more.hidden = true; say("");
      return;
    }
    say(text.loading);
    searched(terms.join(" ")).then(function (search) {
      if (mine !== asked) return;
      found = current(search.results); shown = 0; list.textContent = "";
      list.setAttribute("data-query", query);  // which query the list answers (scripts/bench/search.py waits for it)
      say(found.length ? text.results.replace("{count}", found.length.toLocaleString(document.documentElement.lang)) : text.none);
      return showMore(mine);
    }).catch(function () { if (mine === asked) say(text.failed); });
  }
  var timer = null;
  // While the reader types, fetch the index chunks of what is typed so far (no ranking): the search that
  // follows the pause finds them loaded
  function preload() {
    var query = reduce(field.value.trim()), last = query.split(" ").pop();
    // Not before the last word has 4 letters, its article gone: a shorter prefix (or الم of المكالمات) spans
    // index chunks that the whole word does not need
    var early = last.length < 4 || ARTICLES.some(function (a) { return last.indexOf(a) === 0; });
    if (!early) load().then(function (pf) { return pf.preload(query); }).catch(function () {});
  }
  field.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, PAUSE); preload(); });
  dialog.querySelector("form").addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); run(); });
  more.addEventListener("click", function () {
    var first = list.children.length;
    showMore(asked).then(function () { var a = list.children[first] && list.children[first].querySelector("a"); if (a) a.focus(); });
  });

  function open() {
    if (dialog.open) return;
    back = document.activeElement;
    dialog.showModal();
    field.focus();
    load();
  }
  dialog.addEventListener("close", function () {  // Escape, the backdrop, or a result followed
    var to = back && back.isConnected && back !== document.body ? back : opener;
    to.focus();
  });
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
    if (e.key === "Escape") {  // from the field too, where a search input's Escape would only clear it
      e.preventDefault(); dialog.close(); return;
    }
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    var links = Array.prototype.slice.call(list.querySelectorAll("a"));
    if (!links.length) return;
    var at = links.indexOf(document.activeElement), step = e.key === "ArrowDown" ? 1 : -1;
    e.preventDefault();
    if (at === -1) { if (step === 1) links[0].focus(); return; }
    var next = at + step;
    if (next < 0) field.focus(); else links[Math.min(next, links.length - 1)].focus();
  });
  dialog.addEventListener("click", function (e) { if (e.target === dialog) dialog.close(); });  // the backdrop
  window.archiveSearchReduce = reduce;  // for tests
  window.archiveSearchLoad = load;
})();
