/* 机构列表: search, facets, sorting and shareable URLs on top of the server-rendered table.
 *
 * Without JavaScript the page is the first page of the list (best rated first). With it, this script loads
 * the small manifest (assets/data/directory.json, built by build_tools/render/directory_index.py: lookup
 * tables, facet counts over all agencies, the list of row shards) and shows the facets at once; the rows of
 * all agencies (assets/data/directory/rows-<k>.json) are loaded only when the visitor searches, filters,
 * sorts or asks for more (or opens a link with conditions), then the table body is redrawn from the
 * matching agencies. While they load, the root carries data-loading. Rows are positional:
 *   [id, name, region, types, size, quals, zone, grade, score, projects, text, served]
 * (served: province ids the agency serves — registered province and service regions).
 * with ids into the payload's lookup tables (regions, types, sizes, quals, grades).
 * Record text is untrusted: it only ever goes into textContent and attribute values.
 */
import { foldAll, queryOf, setUrl, urlWith } from "./shared.js";

(function () {
  "use strict";
  var root = document.querySelector(".tp-directory[data-src]");
  if (!root) return;

  var PAGE = 50;  // rows drawn at a time: building DOM rows costs far more than searching
  var BITS = { region: 1, type: 2, size: 4, qual: 8, zone: 16, grade: 32, served: 64 };
  var SORTS = [["score", "综合评价"], ["name", "名称"], ["projects", "项目业绩数"]];
  var ZONES = [[1, "有"], [0, "无"]];
  var timings = window.tpDirectoryTimings = [];  // per-keystroke cost, read by benchmarks/directory_bench.py

  var data, st, ui = {}, shown = PAGE, manifest, full = false, loading = null;
  var src = root.getAttribute("data-src");

  function getJson(url) {
    return fetch(url).then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); });
  }

  getJson(src)
    .then(function (m) { manifest = m; return location.search ? loadRows() : null; })
    .then(function () { init(); })
    .catch(function (err) { console.warn("机构列表检索不可用，显示第一页：", err); });

  // All rows, once: every shard in parallel, then decoded with the manifest's tables.
  function loadRows() {
    if (!loading) {
      root.setAttribute("data-loading", "1");
      loading = Promise.all(manifest.shards.map(function (name) { return getJson(new URL(name, new URL(src, location.href)).href); }))
        .then(function (parts) {
          data = decode(manifest, [].concat.apply([], parts));
          full = true;
        });
    }
    return loading;
  }

  // Anything that needs the rows (a search, a filter, a sort, more rows): run it once they are there.
  function withRows(fn) {
    if (full) { fn(); return; }
    root.setAttribute("data-loading", "1");
    if (ui.count) ui.count.textContent = "正在载入全部机构……";
    loadRows().then(function () { fn(); root.removeAttribute("data-loading"); })
      .catch(function (err) { root.removeAttribute("data-loading"); console.warn("机构列表载入失败：", err); });
  }

  var norm = foldAll;

  // ---- data -------------------------------------------------------------------------------
  function decode(p, rows) {
    var f = {};
    p.fields.forEach(function (name, i) { f[name] = i; });
    var regions = p.regions.map(function (r) { return { name: r[0], parent: r[1] }; });
    var list = rows.map(function (r) {
      var d = r[f.region], c = regions[d].parent, pv = regions[c].parent;
      var words = [r[f.name], regions[pv].name, regions[c].name, regions[d].name, p.sizes[r[f.size]], r[f.text]];
      r[f.types].forEach(function (t) { words.push(p.types[t]); });
      r[f.quals].forEach(function (q) { words.push(p.quals[q]); });
      var served = r[f.served] || [];
      served.forEach(function (s) { words.push(regions[s].name); });  // "上海市" finds agencies serving Shanghai
      return {
        id: r[f.id], name: r[f.name], province: pv, city: c, district: d, types: r[f.types], size: r[f.size],
        quals: r[f.quals], served: served, zone: r[f.zone], grade: r[f.grade], score: r[f.score], projects: r[f.projects],
        hay: norm(words.join(" ")), key: norm(r[f.name]), rank: 0, hit: 0
      };
    });
    var collator = new Intl.Collator("zh-Hans-CN");  // pinyin order, computed once
    var byName = list.slice().sort(function (a, b) { return collator.compare(a.name, b.name); });
    byName.forEach(function (a, i) { a.rank = i; });
    // Every sort order is computed once here: a search then walks the chosen order and never sorts.
    var orders = {};
    SORTS.forEach(function (x) { orders[x[0]] = byName.slice().sort(comparator(x[0])); });
    var provinces = [];  // the 服务地区 facet: every province some agency serves, in pinyin order
    p.counts.served.forEach(function (n, s) { if (n > 0) provinces.push(s); });
    provinces.sort(function (a, b) { return collator.compare(regions[a].name, regions[b].name); });
    return { regions: regions, list: list, orders: orders, types: p.types, sizes: p.sizes, quals: p.quals,
             grades: p.grades, provinces: provinces,
             provinceNames: regions.map(function (r) { return r.parent === -1 ? r.name : ""; }) };
  }

  // ---- state <-> URL ------------------------------------------------------------------------
  function emptyState() {
    return { q: "", region: [-1, -1, -1], type: new Set(), size: new Set(), qual: new Set(), zone: new Set(),
             grade: new Set(), served: new Set(), sort: "score" };
  }

  function regionId(name, parent) {
    if (!name) return -1;
    for (var i = 0; i < data.regions.length; i++) {
      if (data.regions[i].name === name && data.regions[i].parent === parent) return i;
    }
    return -1;
  }

  function idsOf(params, key, table) {
    var out = new Set();
    params.getAll(key).forEach(function (v) { var i = table.indexOf(v); if (i >= 0) out.add(i); });
    return out;
  }

  function readUrl() {
    var p = queryOf(), s = emptyState();
    s.q = p.get("kw") || "";  // not "q": Material's site search opens itself on ?q=
    var pv = regionId(p.get("prov"), -1), c = pv < 0 ? -1 : regionId(p.get("city"), pv);
    s.region = [pv, c, c < 0 ? -1 : regionId(p.get("dist"), c)];
    s.type = idsOf(p, "type", data.types);
    s.size = idsOf(p, "size", data.sizes);
    s.qual = idsOf(p, "qual", data.quals);
    s.grade = idsOf(p, "grade", data.grades);
    s.served = idsOf(p, "serve", data.provinceNames);
    p.getAll("zone").forEach(function (v) { if (v === "1" || v === "0") s.zone.add(Number(v)); });
    if (SORTS.some(function (x) { return x[0] === p.get("sort"); })) s.sort = p.get("sort");
    return s;
  }

  function urlOf(s) {
    var p = new URLSearchParams();
    if (s.q.trim()) p.set("kw", s.q.trim());
    ["prov", "city", "dist"].forEach(function (key, level) {
      if (s.region[level] >= 0) p.set(key, data.regions[s.region[level]].name);
    });
    [["type", data.types], ["size", data.sizes], ["qual", data.quals], ["grade", data.grades]].forEach(function (x) {
      Array.from(s[x[0]]).sort(function (a, b) { return a - b; }).forEach(function (i) { p.append(x[0], x[1][i]); });
    });
    Array.from(s.served).sort(function (a, b) { return a - b; }).forEach(function (i) {
      p.append("serve", data.regions[i].name);
    });
    Array.from(s.zone).sort().reverse().forEach(function (z) { p.append("zone", String(z)); });
    if (s.sort !== "score") p.set("sort", s.sort);
    return urlWith(p);
  }

  function commit(push) {
    setUrl(urlOf(st), push);
  }

  // ---- search and facet counts --------------------------------------------------------------
  function subsequence(term, text) {  // "津海监测" finds 津海示范环境监测有限公司
    var i = 0;
    for (var j = 0; j < text.length && i < term.length; j++) if (text[j] === term[i]) i++;
    return i === term.length;
  }

  function textMatches(a, terms) {
    for (var i = 0; i < terms.length; i++) {
      var t = terms[i];
      if (a.hay.indexOf(t) < 0 && !(t.length > 1 && subsequence(t, a.key))) return false;
    }
    return true;
  }

  function anyIn(values, set) {
    for (var i = 0; i < values.length; i++) if (set.has(values[i])) return true;
    return false;
  }

  function failures(a, s) {  // bit mask of the facets this agency fails
    var fail = 0, r = s.region;
    if ((r[2] >= 0 && a.district !== r[2]) || (r[1] >= 0 && a.city !== r[1]) || (r[0] >= 0 && a.province !== r[0])) fail |= BITS.region;
    if (s.type.size && !anyIn(a.types, s.type)) fail |= BITS.type;
    if (s.size.size && !s.size.has(a.size)) fail |= BITS.size;
    if (s.qual.size && !anyIn(a.quals, s.qual)) fail |= BITS.qual;
    if (s.zone.size && !s.zone.has(a.zone)) fail |= BITS.zone;
    if (s.grade.size && !s.grade.has(a.grade)) fail |= BITS.grade;
    if (s.served.size && !anyIn(a.served, s.served)) fail |= BITS.served;
    return fail;
  }

  function zeros(n) { var a = new Array(n); for (var i = 0; i < n; i++) a[i] = 0; return a; }

  /* Text first, then one pass over the chosen sort order: results pass every facet; a facet's counts
     come from agencies that pass every *other* facet (so each count says what ticking that value gives). */
  var memo = { terms: [], matched: null, gen: 0 };

  function textMatched(terms) {
    // Typing on narrows: when every previous term lies inside some new term, only last time's
    // matches can still match, so the scan shrinks with each keystroke.
    var narrows = memo.matched !== null && memo.terms.every(function (old) {
      return terms.some(function (t) { return t.indexOf(old) >= 0; });
    });
    var pool = narrows ? memo.matched : data.list, out = [];
    for (var i = 0; i < pool.length; i++) if (textMatches(pool[i], terms)) out.push(pool[i]);
    memo.terms = terms;
    memo.matched = out;
    memo.gen++;
    for (var j = 0; j < out.length; j++) out[j].hit = memo.gen;
    return memo.gen;
  }

  function search(s) {
    var terms = norm(s.q).split(/\s+/).filter(Boolean);
    var gen = textMatched(terms);
    var counts = { region: zeros(data.regions.length), type: zeros(data.types.length), size: zeros(data.sizes.length),
                   qual: zeros(data.quals.length), zone: [0, 0], grade: zeros(data.grades.length),
                   served: zeros(data.regions.length) };
    var results = [], order = data.orders[s.sort], i, k;
    for (i = 0; i < order.length; i++) {
      var a = order[i];
      if (a.hit !== gen) continue;
      var fail = failures(a, s);
      if (fail === 0) results.push(a);
      else if (fail & (fail - 1)) continue;  // fails two facets or more: counts nowhere
      if (fail === 0 || fail === BITS.region) {
        counts.region[a.province]++; counts.region[a.city]++; counts.region[a.district]++;
      }
      if (fail === 0 || fail === BITS.type) for (k = 0; k < a.types.length; k++) counts.type[a.types[k]]++;
      if (fail === 0 || fail === BITS.size) counts.size[a.size]++;
      if (fail === 0 || fail === BITS.qual) for (k = 0; k < a.quals.length; k++) counts.qual[a.quals[k]]++;
      if (fail === 0 || fail === BITS.zone) counts.zone[a.zone]++;
      if (fail === 0 || fail === BITS.grade) counts.grade[a.grade]++;
      if (fail === 0 || fail === BITS.served) for (k = 0; k < a.served.length; k++) counts.served[a.served[k]]++;
    }
    return { results: results, counts: counts };
  }

  function comparator(sort) {
    if (sort === "name") return function (a, b) { return a.rank - b.rank; };
    if (sort === "projects") return function (a, b) { return (b.projects - a.projects) || (a.rank - b.rank); };
    return function (a, b) {  // unscored agencies last
      var sa = a.score === null ? -1 : a.score, sb = b.score === null ? -1 : b.score;
      return (sb - sa) || (a.rank - b.rank);
    };
  }

  // ---- DOM ----------------------------------------------------------------------------------
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function buildUi() {
    var box = root.querySelector(".tp-dir-ui");
    var bar = el("div", { "class": "tp-dir-bar" });
    ui.q = el("input", { type: "search", "class": "tp-dir-q", "aria-label": "搜索机构",
                         placeholder: "搜索名称、业务、地址、服务地区、资质，空格分隔" });
    ui.sort = el("select", { "class": "tp-dir-sort", "aria-label": "排序" });
    SORTS.forEach(function (x) { ui.sort.appendChild(el("option", { value: x[0] }, "按" + x[1] + "排序")); });
    ui.count = el("p", { "class": "tp-dir-count", "aria-live": "polite" });
    ui.clear = el("button", { type: "button", "class": "tp-dir-clear md-button" }, "清除条件");
    bar.append(ui.q, ui.sort, ui.clear);

    var facets = el("div", { "class": "tp-dir-facets" });
    var region = el("fieldset", { "class": "tp-facet tp-facet-region" });
    region.appendChild(el("legend", {}, "注册地"));
    ui.region = ["省份", "城市", "区县"].map(function (label, level) {
      var sel = el("select", { "class": "tp-dir-region", "data-level": String(level), "aria-label": label });
      sel.addEventListener("change", function () {
        var v = Number(sel.value);
        st.region = st.region.map(function (old, l) { return l < level ? old : (l === level ? v : -1); });
        changed(true);
      });
      region.appendChild(sel);
      return sel;
    });
    facets.appendChild(region);
    ui.boxes = {};
    var present = presentValues();
    facets.appendChild(checkboxFacet("served", "服务地区", data.provinceNames, present.served));
    [["type", "经营类型", data.types], ["size", "企业规模", data.sizes], ["qual", "资质类别", data.quals],
     ["zone", (root.getAttribute("data-zone") || "区内") + "办公场地", ZONES.map(function (z) { return z[1]; })], ["grade", "综合评价等级", data.grades]]
      .forEach(function (x) { facets.appendChild(checkboxFacet(x[0], x[1], x[2], present[x[0]])); });

    ui.more = el("button", { type: "button", "class": "tp-dir-more md-button" }, "显示更多");
    ui.more.addEventListener("click", function () {
      shown += PAGE;
      withRows(function () { if (!last.results) last = search(st); draw(); });
    });
    // Collapsible, and closed on a phone so that the results come first.
    var panel = el("details", { "class": "tp-dir-panel" });
    panel.open = window.matchMedia("(min-width: 45em)").matches;
    panel.append(el("summary", {}, "筛选条件"), facets);
    box.append(bar, panel, ui.count);
    root.querySelector(".tp-agency-list").after(ui.more);
    ui.tbody = root.querySelector(".tp-agency-list tbody");

    // Chinese IME: the box holds pinyin letters while composing; search once the characters are committed.
    ui.q.addEventListener("input", function (ev) { if (!ev.isComposing) onQuery(ev); });
    ui.q.addEventListener("compositionend", onQuery);
    function onQuery(ev) {
      var t0 = performance.now();
      st.q = ui.q.value;
      changed(false);
      var t1 = performance.now();
      var rec = { query: ui.q.value, handler: t1 - t0, sinceKey: t1 - ev.timeStamp, frame: null };
      if (timings.length < 5000) timings.push(rec);
      requestAnimationFrame(function () { setTimeout(function () { rec.frame = performance.now() - ev.timeStamp; }, 0); });
    }
    ui.sort.addEventListener("change", function () { st.sort = ui.sort.value; changed(true); });
    ui.clear.addEventListener("click", function () { st = emptyState(); syncControls(); changed(true); });
    window.addEventListener("popstate", function () { st = readUrl(); syncControls(); withRows(update); });
    box.hidden = false;
  }

  function presentValues() {  // facet values nobody has are not offered at all (counts over all agencies)
    var c = manifest.counts, p = { served: new Set(data.provinces) };
    ["type", "size", "qual", "grade"].forEach(function (name) {
      p[name] = new Set();
      c[name].forEach(function (n, i) { if (n > 0) p[name].add(i); });
    });
    p.zone = new Set();
    ZONES.forEach(function (z, i) { if (c.zone[z[0]] > 0) p.zone.add(i); });  // index into ZONES
    return p;
  }

  function zoneValue(i) { return ZONES[i][0]; }

  function checkboxFacet(name, legend, labels, present) {
    var fs = el("fieldset", { "class": "tp-facet tp-facet-" + name });
    fs.appendChild(el("legend", {}, legend));
    ui.boxes[name] = [];
    labels.forEach(function (label, i) {
      if (!present.has(i)) return;
      var value = name === "zone" ? zoneValue(i) : i;
      var lab = el("label", { "class": "tp-facet-option" });
      var box = el("input", { type: "checkbox", value: label });
      var count = el("span", { "class": "tp-facet-count" });
      box.addEventListener("change", function () {
        if (box.checked) st[name].add(value); else st[name].delete(value);
        changed(true);
      });
      lab.append(box, document.createTextNode(label), count);
      fs.appendChild(lab);
      ui.boxes[name].push({ box: box, count: count, value: value, index: name === "zone" ? value : i });
    });
    return fs;
  }

  function syncControls() {
    ui.q.value = st.q;
    ui.sort.value = st.sort;
    Object.keys(ui.boxes).forEach(function (name) {
      ui.boxes[name].forEach(function (b) { b.box.checked = st[name].has(b.value); });
    });
  }

  function regionOptions(counts) {
    var names = ["全部省份", "全部城市", "全部区县"];
    ui.region.forEach(function (sel, level) {
      var parent = level === 0 ? -1 : st.region[level - 1];
      sel.textContent = "";
      sel.appendChild(el("option", { value: "-1" }, names[level]));
      sel.disabled = level > 0 && parent < 0;
      if (sel.disabled) return;
      var ids = [];
      data.regions.forEach(function (r, i) {
        if (r.parent === parent && (counts[i] > 0 || st.region[level] === i)) ids.push(i);
      });
      ids.sort(function (a, b) { return data.regions[a].name.localeCompare(data.regions[b].name, "zh-Hans-CN"); });
      ids.forEach(function (i) {
        sel.appendChild(el("option", { value: String(i) }, data.regions[i].name + "（" + counts[i] + "）"));
      });
      sel.value = String(st.region[level]);
    });
  }

  function cell(tr, text) { tr.appendChild(el("td", {}, text)); }

  function row(a) {
    var tr = el("tr", { "data-id": a.id }), td = el("td");
    td.appendChild(el("a", { href: a.id + "/" }, a.name));
    tr.appendChild(td);
    var pv = data.regions[a.province].name, c = data.regions[a.city].name;
    cell(tr, [pv, c === pv ? "" : c, data.regions[a.district].name].filter(Boolean).join(" "));
    cell(tr, a.types.map(function (t) { return data.types[t]; }).join("、"));
    cell(tr, data.sizes[a.size]);
    cell(tr, a.score === null ? data.grades[a.grade] : (data.grades[a.grade] + " " + a.score.toFixed(1)));
    cell(tr, String(a.projects));
    return tr;
  }

  var last;
  function changed(push) { shown = PAGE; commit(push); withRows(update); }

  function update() {
    // Before the rows are loaded (first screen, nothing asked yet): the server's first page and the
    // manifest's counts over all agencies, which are exactly what the search gives with no condition.
    last = full ? search(st) : { results: null, counts: manifest.counts };
    regionOptions(last.counts.region);
    Object.keys(ui.boxes).forEach(function (name) {
      ui.boxes[name].forEach(function (b) {
        var n = last.counts[name][b.index];
        b.count.textContent = "（" + n + "）";
        b.box.parentNode.classList.toggle("tp-facet-empty", n === 0 && !b.box.checked);
      });
    });
    draw();
  }

  function draw() {
    if (!last.results) {  // first screen: the server-rendered rows stay
      var n = manifest.total, first = ui.tbody.rows.length;
      ui.count.textContent = "找到 " + n + " 家机构" + (n > first ? "，显示前 " + first + " 家" : "");
      ui.count.setAttribute("data-n", String(n));
      ui.more.hidden = n <= first;
      return;
    }
    var res = last.results, frag = document.createDocumentFragment();
    res.slice(0, shown).forEach(function (a) { frag.appendChild(row(a)); });
    if (!res.length) {
      var tr = el("tr", { "class": "tp-dir-none" }), td = el("td", { colspan: "6" }, "没有符合条件的机构，请减少关键词或筛选条件。");
      tr.appendChild(td);
      frag.appendChild(tr);
    }
    ui.tbody.textContent = "";
    ui.tbody.appendChild(frag);
    ui.count.textContent = "找到 " + res.length + " 家机构" + (res.length > shown ? "，显示前 " + shown + " 家" : "");
    ui.count.setAttribute("data-n", String(res.length));
    ui.more.hidden = res.length <= shown;
  }

  function init() {
    var t0 = performance.now();
    if (!full) data = decode(manifest, []);  // tables only: the facets can be offered at once
    var t1 = performance.now();
    st = readUrl();
    buildUi();
    syncControls();
    update();
    window.tpDirectoryInit = { fetched: t0, decode: t1 - t0, firstDraw: performance.now() - t1 };
    root.removeAttribute("data-loading");
    root.setAttribute("data-ready", "1");
  }
})();
