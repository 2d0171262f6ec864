/* 标准政策 / 绿色课堂: keyword search and select filters over a server-rendered table.
   Does nothing on pages without a .tp-filterable root. Rows stay in the HTML, so the list works without JS. */
import { fold, queryOf } from "./shared.js";

(function () {
  "use strict";
  // Same folding and separators as build_tools/render/policies.py (compact / search_key).
  var SEPARATORS = /[\s\-_/.·—–－]+/g;
  function compact(text) { return fold(text).replace(SEPARATORS, ""); }

  // A row matches when the whole query (separators dropped: "GB 3095" -> "gb3095") or every
  // space-separated word of it occurs in the row's search key.
  function keywordMatch(key, query) {
    var whole = compact(query);
    if (!whole) return true;
    if (key.indexOf(whole) >= 0) return true;
    var words = fold(query).split(/\s+/).map(compact).filter(Boolean);
    return words.length > 1 && words.every(function (w) { return key.indexOf(w) >= 0; });
  }

  function fieldMatch(row, field, value) {
    if (!value) return true;
    var have = row.getAttribute("data-" + field) || "";
    return field === "domains" ? have.split("|").indexOf(value) >= 0 : have === value;
  }

  function setup(root) {
    var rows = Array.prototype.slice.call(root.querySelectorAll("tbody tr"));
    var query = root.querySelector(".tp-policy-q");
    var selects = Array.prototype.slice.call(root.querySelectorAll("select[data-field]"));
    var from = root.querySelector(".tp-year-from");
    var to = root.querySelector(".tp-year-to");
    var count = root.querySelector(".tp-result-count");
    var empty = root.querySelector(".tp-empty");
    var unit = root.getAttribute("data-unit") || "";

    function apply() {
      var shown = 0;
      rows.forEach(function (row) {
        var year = row.getAttribute("data-year") || "";
        var ok = (!query || keywordMatch(row.getAttribute("data-key") || "", query.value)) &&
          selects.every(function (s) { return fieldMatch(row, s.getAttribute("data-field"), s.value); }) &&
          (!from || !from.value || year >= from.value) && (!to || !to.value || year <= to.value);
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      if (count) count.textContent = shown === rows.length ? "共 " + rows.length + " " + unit
        : "找到 " + shown + " " + unit + "（共 " + rows.length + " " + unit + "）";
      if (empty) empty.hidden = shown > 0;
    }

    // Enter filters in place (a submit handler, not an inline onsubmit: the CSP allows no inline script).
    var form = root.querySelector("form.tp-filters");
    if (form) form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    root.querySelectorAll("input, select").forEach(function (el) {
      el.addEventListener("input", apply);
      el.addEventListener("change", apply);
    });
    var params = queryOf();
    if (query && params.get("q")) query.value = params.get("q");
    apply();
  }

  function init() { document.querySelectorAll(".tp-filterable").forEach(setup); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
