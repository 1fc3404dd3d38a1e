// Search page: our own accessible results on top of the search engine varde ships in its
// bundle (varde-search.js: the part of Pagefind's JS API this page uses), served from this
// site.
//
// The bundle keeps one index per language (by <html lang>), so this page searches its own
// language's pages. Its words come from the page (data-* on the script, from the theme's
// catalogue).
//
// Norwegian on top of the index (which stems Norwegian and folds å to a): a query is also run
// with æ and ø restored where a reader typed "ae" and "o" (stotte -> støtte), and with
// neighbouring words joined (rus behandling -> rusbehandling). Results of all variants are
// merged, best score first. A query of stop words only gets no hits.
(function () {
  "use strict";
  var script = document.currentScript;
  var bundle = script && script.getAttribute("data-bundle");
  var form = document.getElementById("sok-skjema");
  var input = document.getElementById("sok-q");
  var status = document.getElementById("sok-status");
  var section = document.getElementById("sok-treff");
  var list = document.getElementById("sok-resultater");
  var noJs = document.getElementById("sok-uten-js");
  if (!bundle || !form || !input || !status || !list) return;
  noJs.hidden = true;
  function word(name, values) {
    var text = script.getAttribute("data-" + name) || "";
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(values[k]); });
    return text;
  }
  var NORWEGIAN = /^(nb|nn|no)(-|$)/i.test(document.documentElement.lang);

  // The vendored Pagefind leaves these same words out of a Norwegian index (its
  // NORWEGIAN_STOP_WORDS; tests/search_index.rs keeps the two lists equal).
  var STOP = ("og i på en et ei den det de som er til av for med at å om har fra kan jeg du vi " +
    "seg ikke så men eller hva hvor hvordan når meg deg oss dem han hun var vil skal må blir the a").split(" ");
  var MAX_VARIANTS = 12;
  var SHOWN = 10;
  var FIRST = 5;

  function spellings(word) {
    var out = [word];
    if (word.indexOf("ae") !== -1) out.push(word.split("ae").join("æ"));
    var positions = [];
    for (var i = 0; i < word.length && positions.length < 3; i++) if (word[i] === "o") positions.push(i);
    var withO = out.slice();
    for (var mask = 1; mask < 1 << positions.length; mask++) {
      withO.forEach(function (w) {
        var chars = w.split("");
        positions.forEach(function (p, k) { if (mask & (1 << k) && chars[p] === "o") chars[p] = "ø"; });
        out.push(chars.join(""));
      });
    }
    return out.filter(function (w, i) { return out.indexOf(w) === i; });
  }

  function variants(query) {
    var words = query.toLowerCase().split(/[^\p{L}\p{N}-]+/u).filter(Boolean);
    var content = NORWEGIAN ? words.filter(function (w) { return STOP.indexOf(w) === -1; }) : words;
    if (content.length === 0) return [];
    var out = [content.join(" ")];
    // The fallbacks below are for Norwegian spelling and compounds only.
    if (!NORWEGIAN) return out;
    // æ/ø restored: one word at a time, to keep the number of searches small.
    content.forEach(function (w, i) {
      spellings(w).slice(1).forEach(function (s) {
        var copy = content.slice();
        copy[i] = s;
        out.push(copy.join(" "));
      });
    });
    // Compounds written apart: join each pair of neighbours.
    for (var i = 0; i + 1 < content.length; i++) {
      var joined = content.slice();
      joined.splice(i, 2, content[i] + content[i + 1]);
      out.push(joined.join(" "));
    }
    return out.filter(function (v, i) { return out.indexOf(v) === i; }).slice(0, MAX_VARIANTS);
  }

  var pagefind = null;
  function engine() {
    if (!pagefind) {
      pagefind = import(bundle + "varde-search.js").then(function (pf) {
        return pf.options({ excerptLength: 24 })
          .then(function () { return pf.init(); })
          .then(function () { return pf; });
      });
    }
    return pagefind;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  // The address follows the query (to share it, or come back to it), once typing has
  // paused: at every change of address the browser asks for the site's icon again, a round
  // trip per letter on a phone. Following a result or leaving the page sets it at once.
  var addressTimer = null;
  var address = null;
  function setAddress(query) {
    address = new URL(location.href);
    if (query) address.searchParams.set("q", query); else address.searchParams.delete("q");
    clearTimeout(addressTimer);
    addressTimer = setTimeout(flushAddress, 1000);
  }
  function flushAddress() {
    clearTimeout(addressTimer);
    if (address) history.replaceState(null, "", address);
    address = null;
  }
  list.addEventListener("click", flushAddress, true);
  window.addEventListener("pagehide", flushAddress);

  var latest = 0;
  // The fetches of the results' texts for the last query: a newer query aborts them, so on a
  // phone its own do not queue behind them.
  var fetches = null;
  // Keystrokes so far: a search overtaken by typing does not fetch its results' text (each
  // a file of its own), which on a large site was most of what a first search downloaded.
  var edits = 0;
  // The count and the results of the list on screen.
  var shownPage = null;
  function search(query, push, retried, again) {
    var n = ++latest;
    var at = edits;
    if (fetches) fetches.abort();
    fetches = typeof AbortController === "function" ? new AbortController() : null;
    var signal = fetches && fetches.signal;
    var vs = variants(query);
    if (push) setAddress(query);
    if (!query.trim()) {
      section.hidden = true;
      status.textContent = "";
      return Promise.resolve();
    }
    if (vs.length === 0) {
      section.hidden = true;
      status.textContent = word("vague");
      return Promise.resolve();
    }
    return engine()
      .then(function (pf) {
        return Promise.all(vs.map(function (v) { return pf.search(v, { signal: signal }); }));
      })
      .then(function (all) {
        if (at !== edits) return null;
        var best = new Map();
        all.forEach(function (r) {
          (r && r.results ? r.results : []).forEach(function (hit) {
            var id = hit.id;
            var had = best.get(id);
            if (!had || had.score < hit.score) best.set(id, hit);
          });
        });
        // The count, and the best SHOWN in order: a common word finds thousands, and only
        // the first page is shown.
        var total = best.size;
        var top = [];
        best.forEach(function (hit) {
          if (top.length === SHOWN && hit.score <= top[SHOWN - 1].score) return;
          var i = top.length;
          while (i > 0 && top[i - 1].score < hit.score) i--;
          top.splice(i, 0, hit);
          if (top.length > SHOWN) top.pop();
        });
        // Results come at once from what is here; longer words whose lists were still on
        // their way are searched again once they are (the engine's `pending`), after these
        // results are shown.
        var pending = all.filter(function (r) { return r && r.pending; }).map(function (r) { return r.pending; });
        // Each result's text is a file of its own. The first FIRST are shown together, the
        // rest follow in order as they arrive: a browser asks a host for six files at a
        // time, so on a phone the tenth would be a round trip behind the first anyway.
        var page = total + " " + top.map(function (h) { return h.id; }).join(" ");
        // Searched again for more and found the same: the list stays as it is.
        if (again && page === shownPage) return null;
        // The rest are asked for once the first are here, so as not to share the phone's
        // bandwidth with them.
        return Promise.all(top.slice(0, FIRST).map(function (h) { return h.data(); })).then(function (data) {
          var rest = top.slice(FIRST).map(function (h) { return h.data(); });
          // Left alone when a newer query came meanwhile: not an error to report.
          rest.forEach(function (t) { t.catch(function () {}); });
          return { total: total, data: data, rest: rest, pending: pending, page: page };
        });
      })
      .then(function (r) {
        if (!r || n !== latest) return; // a newer query is on its way
        // Searched again for more: not under a reader who has moved into the results.
        if (again && list.contains(document.activeElement)) return;
        render(query, r.total, r.data);
        shownPage = r.page;
        var rest = r.rest.reduce(function (shown, text) {
          return shown.then(function () { return text; }).then(function (d) {
            if (n === latest) list.appendChild(item(d));
          });
        }, Promise.resolve());
        return rest.then(function () {
          if (!r.pending.length) return;
          Promise.all(r.pending).then(function () {
            if (n === latest && at === edits) search(query, false, retried, true);
          }, function () {});
        });
      })
      .catch(function () {
        if (n !== latest) return;
        if (!retried && pagefind) {
          // A deploy (or the preview's rebuild) since this page loaded the engine renames the
          // bundle's files, so the names it holds may be gone: start it afresh once, then
          // give up.
          var old = pagefind;
          pagefind = null;
          return old
            .then(function (pf) { return pf.destroy(); })
            .catch(function () {})
            .then(function () { if (n === latest) return search(query, false, true); });
        }
        section.hidden = true;
        noJs.hidden = false;
        status.textContent = word("unavailable");
      });
  }

  function item(d) {
    var li = el("li");
    var h = el("h3");
    var a = el("a", null, (d.meta && d.meta.title) || d.url);
    a.href = d.url;
    h.appendChild(a);
    li.appendChild(h);
    var meta = [];
    if (d.meta && d.meta.section) meta.push(d.meta.section);
    if (d.meta && d.meta.organisation) meta.push(d.meta.organisation);
    if (meta.length) li.appendChild(el("p", "meta", meta.join(" · ")));
    // The excerpt is the engine's text of our own page, escaped, with <mark> around the
    // matched words.
    var p = el("p", "excerpt");
    p.innerHTML = d.excerpt;
    li.appendChild(p);
    var badges = [];
    if (d.meta && d.meta.no_referral) badges.push(word("no-referral"));
    if (d.meta && d.meta.free) badges.push(word("free"));
    if (badges.length) {
      var ul = el("ul", "badges");
      badges.forEach(function (b) { ul.appendChild(el("li", "badge", b)); });
      li.appendChild(ul);
    }
    return li;
  }

  function render(query, total, results) {
    list.textContent = "";
    results.forEach(function (d) { list.appendChild(item(d)); });
    section.hidden = results.length === 0;
    // Set only when it changes: a search run again for more results must not make a screen
    // reader say the same count twice.
    var said = total === 0
      ? word("none", { q: query })
      : word(total === 1 ? "count-one" : "count", { n: total, q: query }) + (total > SHOWN ? word("shown", { n: SHOWN }) : ".");
    if (status.textContent !== said) status.textContent = said;
  }

  // Searches start from three letters (shorter prefixes match too much and each fetches index
  // chunks of its own), after a 15 ms pause so keys that come together (a paste, a word the keyboard
  // completes) give one search; answers to
  // older keystrokes are dropped (`latest`). A word being typed after others waits for its
  // third letter too: "henvisning g" would fetch the index of every word that begins with g,
  // only to be overtaken by the next key. If typing stops there ("barn 2"), it runs after a
  // longer pause; the results of the words before it stay on screen meanwhile.
  var timer = null;
  input.addEventListener("input", function () {
    edits++;
    clearTimeout(timer);
    var value = input.value;
    if (value.trim().length > 0 && value.trim().length < 3) return;
    var tail = /\s\S{1,2}$/.test(value);
    timer = setTimeout(function () { search(value, true); }, tail ? 400 : 15);
  });
  // The engine (its script and entry.json) starts loading as soon as the field gets focus,
  // not at the third letter: on a phone's network that is a round trip or two the first
  // results no longer wait for. A failure here shows at the first search.
  input.addEventListener("focus", function () {
    engine().catch(function () {});
  }, { once: true });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(timer);
    search(input.value, true);
    flushAddress();
  });
  var initial = new URLSearchParams(location.search).get("q") || "";
  if (initial) {
    input.value = initial;
    search(initial, false);
  }
})();
