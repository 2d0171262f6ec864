/* Agency page: filter the project table by year, type and status (rows carry data-year/-type/-status).
 * Without JavaScript every project row is shown. Values come from the rows, so only existing ones are offered. */
(function () {
  "use strict";
  var box = document.querySelector(".tp-project-filter");
  var table = document.querySelector("table.tp-projects");
  if (!box || !table) return;

  var rows = Array.from(table.tBodies[0].rows);
  var FILTERS = [["year", "全部年度"], ["type", "全部类型"], ["status", "全部状态"]];
  var selects = {};
  var count = document.createElement("span");
  count.className = "tp-project-count";

  FILTERS.forEach(function (f) {
    var key = f[0], sel = document.createElement("select");
    sel.className = "tp-project-" + key;
    sel.setAttribute("aria-label", f[1]);
    var values = Array.from(new Set(rows.map(function (r) { return r.getAttribute("data-" + key); }))).sort();
    if (key === "year") values.reverse();  // newest first
    [["", f[1]]].concat(values.map(function (v) { return [v, key === "year" ? v + " 年" : v]; }))
      .forEach(function (o) {
        var opt = document.createElement("option");
        opt.value = o[0];
        opt.textContent = o[1];
        sel.appendChild(opt);
      });
    sel.addEventListener("change", apply);
    selects[key] = sel;
    box.appendChild(sel);
  });
  box.appendChild(count);
  box.hidden = false;
  apply();

  function apply() {
    var shown = 0;
    rows.forEach(function (r) {
      var ok = FILTERS.every(function (f) {
        var want = selects[f[0]].value;
        return !want || r.getAttribute("data-" + f[0]) === want;
      });
      r.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = "显示 " + shown + " / " + rows.length + " 项";
    count.setAttribute("data-n", String(shown));
  }
})();
