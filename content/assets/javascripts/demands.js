/* Demand hall (需求大厅): filters that combine, over the list rendered at build time.
   Without JavaScript the page already shows open demands, and closed ones in a <details>;
   this script merges both into one list and shows/orders items by the filters in the form.
   Filters live in the query string, so a filtered view can be bookmarked or shared.
   Data is only ever read from data-* attributes and written with textContent / DOM nodes. */
function tpDemandHall() {
  "use strict";
  var root = document.getElementById("tp-demand-hall");
  if (!root || root.dataset.ready) return;  // not the demand hall page, or already set up
  root.dataset.ready = "1";
  var form = document.getElementById("tp-demand-filters");
  var list = document.getElementById("tp-demand-list");
  var count = document.getElementById("tp-demand-count");
  var empty = document.getElementById("tp-demand-empty");
  var tree = JSON.parse(document.getElementById("tp-demand-regions").textContent);
  var items = Array.prototype.slice.call(root.querySelectorAll(".tp-demand-item"));
  var LEVELS = ["prov", "city", "dist", "town"];
  var FIELDS = LEVELS.concat(["type", "pub", "bmin", "bmax", "from", "to", "kw", "sort", "closed"]);  // not "q": see below
  var WAN = 10000;  // budget inputs are in 万元, data in 元

  items.forEach(function (li) { list.appendChild(li); });
  document.getElementById("tp-demand-closed").hidden = true;
  Array.prototype.forEach.call(root.querySelectorAll(".tp-nojs-heading"), function (el) { el.hidden = true; });
  form.hidden = false;

  function input(name) { return form.elements[name]; }
  function has(obj, key) { return Object.prototype.hasOwnProperty.call(obj, key); }

  // Options of region level `level`, given the values chosen above it (null: a parent is not chosen).
  function options(level) {
    var node = tree;
    for (var i = 0; i < level; i++) {
      var value = input(LEVELS[i]).value;
      if (!value || Array.isArray(node) || !has(node, value)) return null;
      node = node[value];
    }
    return Array.isArray(node) ? node : Object.keys(node);
  }

  // Refill the selects below `from` (cascade), keeping a wanted value when it is still offered.
  function cascade(from, wanted) {
    for (var level = from; level < LEVELS.length; level++) {
      var select = input(LEVELS[level]);
      var opts = options(level) || [];
      while (select.options.length > 1) select.remove(1);
      opts.forEach(function (name) {
        var o = document.createElement("option");
        o.value = name;
        o.textContent = name;
        select.appendChild(o);
      });
      select.disabled = opts.length === 0;
      var want = wanted && wanted[LEVELS[level]];
      select.value = want && opts.indexOf(want) >= 0 ? want : "";
    }
  }

  function amount(name) {
    var text = input(name).value.trim();
    var value = Number(text);
    return text === "" || isNaN(value) ? null : value * WAN;
  }

  function state() {
    return {
      prov: input("prov").value, city: input("city").value, dist: input("dist").value, town: input("town").value,
      type: input("type").value, pub: input("pub").value, bmin: amount("bmin"), bmax: amount("bmax"),
      from: input("from").value, to: input("to").value, sort: input("sort").value || "date",
      words: input("kw").value.trim().toLowerCase().split(/\s+/).filter(Boolean), closed: input("closed").checked
    };
  }

  function shown(li, s) {
    var d = li.dataset;
    if (!s.closed && d.open !== "1") return false;
    if ((s.prov && d.province !== s.prov) || (s.city && d.city !== s.city) ||
        (s.dist && d.district !== s.dist) || (s.town && d.town !== s.town)) return false;
    if ((s.type && d.type !== s.type) || (s.pub && d.publisher !== s.pub)) return false;
    if ((s.from && d.date < s.from) || (s.to && d.date > s.to)) return false;
    if (s.bmin !== null || s.bmax !== null) {
      // a budget (amount, or min–max range) matches when it overlaps the wanted range
      if (d.bmin === "") return false;
      if (s.bmin !== null && Number(d.bmax) < s.bmin) return false;
      if (s.bmax !== null && Number(d.bmin) > s.bmax) return false;
    }
    var text = d.search.toLowerCase();
    return s.words.every(function (w) { return text.indexOf(w) >= 0; });
  }

  function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
  function newest(a, b) { return cmp(b.dataset.date, a.dataset.date) || cmp(b.dataset.id, a.dataset.id); }
  function missingLast(a, b) { return (a === "") - (b === ""); }
  var ORDER = {
    date: newest,
    budget: function (a, b) {
      var x = a.dataset.bmax, y = b.dataset.bmax;
      return missingLast(x, y) || (Number(y) - Number(x)) || newest(a, b);
    },
    deadline: function (a, b) {
      var x = a.dataset.deadline, y = b.dataset.deadline;
      return missingLast(x, y) || cmp(x, y) || newest(a, b);
    }
  };

  function toQuery() {
    var params = new URLSearchParams();
    FIELDS.forEach(function (name) {
      var el = input(name);
      if (name === "closed") { if (el.checked) params.set(name, "1"); return; }
      if (name === "sort" && el.value === "date") return;
      if (el.value) params.set(name, el.value);
    });
    var query = params.toString();
    history.replaceState(null, "", query ? "?" + query : location.pathname);
  }

  function fromQuery() {
    var params = new URLSearchParams(location.search);
    var wanted = {};
    LEVELS.forEach(function (name) { wanted[name] = params.get(name); });
    cascade(0, wanted);
    FIELDS.forEach(function (name) {
      if (LEVELS.indexOf(name) >= 0 || !params.has(name)) return;
      var el = input(name);
      if (name === "closed") el.checked = params.get(name) === "1";
      else el.value = params.get(name);  // the browser drops values a select/date/number input cannot take
    });
    if (!input("sort").value) input("sort").value = "date";
  }

  function apply() {
    var s = state();
    var visible = items.filter(function (li) { return shown(li, s); }).sort(ORDER[s.sort] || newest);
    items.forEach(function (li) { li.hidden = true; });
    visible.forEach(function (li) { li.hidden = false; list.appendChild(li); });
    count.textContent = "显示 " + visible.length + " 条（共 " + items.length + " 条" +
      (s.closed ? "" : "，不含已截止") + "）";
    empty.hidden = visible.length > 0;
  }

  function changed(event) {
    var level = LEVELS.indexOf(event.target.name);
    if (level >= 0 && event.type === "change") cascade(level + 1);
    toQuery();
    apply();
  }

  form.addEventListener("change", changed);
  form.addEventListener("input", function (event) { if (event.target.tagName === "INPUT") changed(event); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () {
    setTimeout(function () { cascade(1); toQuery(); apply(); }, 0);  // after the browser has reset the fields
  });
  fromQuery();
  apply();
}

// Material's document$ emits on load and after each instant navigation; plain load otherwise.
if (typeof document$ !== "undefined") document$.subscribe(tpDemandHall); else tpDemandHall();
