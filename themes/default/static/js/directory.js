// Service directory filter: narrows the list instantly, keeps the choice in the address
// (so a filtered list can be shared), and tells screen readers how many services match.
// Without JavaScript the form stays hidden and the filter links below the list still work.
(function () {
  "use strict";
  var form = document.getElementById("dir-filter");
  var status = document.getElementById("dir-count");
  if (!form || !status) return;
  var cards = Array.prototype.slice.call(document.querySelectorAll("li.service[data-id]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll(".dir-group"));
  var total = Number(status.getAttribute("data-total")) || 0;

  function words(el, attr) {
    return (el.getAttribute(attr) || "").split(" ").filter(Boolean);
  }
  function checked(name) {
    return Array.prototype.slice
      .call(form.querySelectorAll('input[name="' + name + '"]:checked'))
      .map(function (i) { return i.value; });
  }
  // Text search within the list, on top of the other filters: every word must occur in a
  // service's card. Letters are folded (æ->ae, ø->o, å->a) on both sides, so "stotte"
  // finds "støtte" as in the site search.
  function fold(s) {
    return s.toLowerCase().replace(/æ/g, "ae").replace(/ø/g, "o").replace(/å/g, "a");
  }
  var texts = cards.map(function (c) { return fold(c.textContent || ""); });
  function matchesText(i, terms) {
    return terms.every(function (w) { return texts[i].indexOf(w) !== -1; });
  }

  function anyOf(have, want) {
    return want.length === 0 || want.some(function (w) { return have.indexOf(w) !== -1; });
  }

  function apply(updateUrl) {
    var cats = checked("kategori");
    var aud = checked("malgruppe");
    var area = form.elements.omrade.value;
    var noRef = checked("henvisning").length > 0;
    var free = checked("pris").length > 0;
    var text = (form.elements.tekst && form.elements.tekst.value) || "";
    var terms = fold(text).split(/\s+/).filter(Boolean);
    var seen = {};
    cards.forEach(function (card, i) {
      var areas = words(card, "data-areas");
      var ok =
        anyOf(words(card, "data-categories"), cats) &&
        anyOf(words(card, "data-audience"), aud) &&
        (!area || areas.indexOf(area) !== -1 || areas.indexOf("*") !== -1) &&
        (!noRef || card.getAttribute("data-referral") === "nei") &&
        (!free || card.getAttribute("data-free") === "gratis") &&
        matchesText(i, terms);
      card.hidden = !ok;
      if (ok) seen[card.getAttribute("data-id")] = true;
    });
    groups.forEach(function (g) {
      g.hidden = !g.querySelector("li.service:not([hidden])");
    });
    var n = Object.keys(seen).length;
    // The words are the theme's, in the page's language (data-* from its catalogue).
    status.textContent = n === 0
      ? status.getAttribute("data-none")
      : status.getAttribute("data-count").split("{count}").join(n).split("{total}").join(total);
    if (updateUrl) {
      var q = new URLSearchParams();
      cats.forEach(function (c) { q.append("kategori", c); });
      aud.forEach(function (a) { q.append("malgruppe", a); });
      if (area) q.set("omrade", area);
      if (noRef) q.set("henvisning", "nei");
      if (free) q.set("pris", "gratis");
      if (text.trim()) q.set("tekst", text.trim());
      var s = q.toString();
      history.replaceState(null, "", location.pathname + (s ? "?" + s : ""));
    }
  }

  // Restore a shared or bookmarked filter from the address.
  var params = new URLSearchParams(location.search);
  Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox]")).forEach(function (i) {
    i.checked = params.getAll(i.name).indexOf(i.value) !== -1;
  });
  if (params.get("omrade")) form.elements.omrade.value = params.get("omrade");
  if (params.get("tekst") && form.elements.tekst) form.elements.tekst.value = params.get("tekst");

  // Shown only now that it can work; opened when the address already holds a filter.
  var box = document.getElementById("dir-filter-box");
  if (box) {
    box.hidden = false;
    if (params.toString()) box.open = true;
  }
  form.addEventListener("change", function () { apply(true); });
  form.addEventListener("input", function () { apply(true); });
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(true); });
  form.addEventListener("reset", function () { setTimeout(function () { apply(true); }, 0); });
  if (params.toString()) apply(false);
})();
