/* 项目业绩: filters and pages over every agency's projects, loading only the chunks a page needs.
 *
 * The manifest (assets/data/projects/index.json, built by build_tools/render/projects.py) lists
 * cells [year, type, status, province, count] in the order their rows are laid out across the
 * chunk files p0.json, p1.json … (`chunk` rows each). A filter keeps some cells; the total and the
 * count of every option come from the manifest alone, and page N reads only the chunk(s) that hold
 * its rows. Record text goes into textContent only.
 */
import { queryOf, setUrl, urlWith } from "./shared.js";

(function () {
  "use strict";
  var root = document.querySelector(".tp-projects-all[data-src]");
  if (!root) return;
  var SRC = root.getAttribute("data-src"), AGENCY = root.getAttribute("data-agency-url");
  var PAGE = 20;
  var FILTERS = [["year", "年份", "全部年份"], ["type", "项目类型", "全部类型"], ["status", "状态", "全部状态"],
                 ["prov", "项目所在地", "全部地区"]];
  var m, starts = [], chunks = {}, st, ui = {};

  fetch(SRC + "index.json")
    .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
    .then(init)
    .catch(function (err) { console.warn("项目业绩筛选不可用，显示最近的项目：", err); });

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function labels(key) {  // option value -> label, per filter (cells hold year numbers and indexes)
    if (key === "year") return years().map(String);
    return key === "type" ? m.types : key === "status" ? m.statuses : m.provinces;
  }
  function years() {
    var seen = [];
    m.cells.forEach(function (c) { if (seen.indexOf(c[0]) < 0) seen.push(c[0]); });
    return seen;  // cells are newest year first
  }
  function cellValue(c, key) {
    return key === "year" ? String(c[0]) : labels(key)[c[{ type: 1, status: 2, prov: 3 }[key]]];
  }

  function readUrl() {
    var p = queryOf(), s = { page: Math.max(1, parseInt(p.get("page") || "1", 10) || 1) };
    FILTERS.forEach(function (f) { var v = p.get(f[0]) || ""; s[f[0]] = labels(f[0]).indexOf(v) >= 0 ? v : ""; });
    return s;
  }
  function writeUrl(push) {
    var p = new URLSearchParams();
    FILTERS.forEach(function (f) { if (st[f[0]]) p.set(f[0], st[f[0]]); });
    if (st.page > 1) p.set("page", String(st.page));
    setUrl(urlWith(p), push);
  }

  function keeps(c, except) {
    for (var i = 0; i < FILTERS.length; i++) {
      var key = FILTERS[i][0];
      if (key !== except && st[key] && cellValue(c, key) !== st[key]) return false;
    }
    return true;
  }

  function buildUi() {
    var box = root.querySelector(".tp-proj-ui");
    FILTERS.forEach(function (f) {
      var sel = el("select", { "class": "tp-proj-filter", "data-filter": f[0], "aria-label": f[1] });
      sel.addEventListener("change", function () { st[f[0]] = sel.value; st.page = 1; update(true); });
      ui[f[0]] = sel;
      box.appendChild(sel);
    });
    ui.count = root.querySelector(".tp-proj-count");
    ui.tbody = root.querySelector(".tp-project-list tbody");
    ui.pager = root.querySelector(".tp-proj-pager");
    ui.prev = el("button", { type: "button", "class": "md-button tp-proj-prev" }, "上一页");
    ui.next = el("button", { type: "button", "class": "md-button tp-proj-next" }, "下一页");
    ui.where = el("span", { "class": "tp-proj-page" });
    ui.prev.addEventListener("click", function () { st.page -= 1; update(true); });
    ui.next.addEventListener("click", function () { st.page += 1; update(true); });
    ui.pager.append(ui.prev, ui.where, ui.next);
    ui.pager.hidden = false;
    box.hidden = false;
    window.addEventListener("popstate", function () { st = readUrl(); update(false); });
  }

  function options(total) {
    FILTERS.forEach(function (f) {
      var key = f[0], counts = {};
      m.cells.forEach(function (c) { if (keeps(c, key)) counts[cellValue(c, key)] = (counts[cellValue(c, key)] || 0) + c[4]; });
      var sel = ui[key];
      sel.textContent = "";
      sel.appendChild(el("option", { value: "" }, f[2]));
      labels(key).forEach(function (v) {
        if (!counts[v] && st[key] !== v) return;
        sel.appendChild(el("option", { value: v }, v + "（" + (counts[v] || 0) + "）"));
      });
      sel.value = st[key];
    });
  }

  function chunk(k) {
    if (!chunks[k]) chunks[k] = fetch(SRC + "p" + k + ".json").then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
    return chunks[k];
  }

  function update(push) {
    var kept = [], total = 0;
    m.cells.forEach(function (c, i) { if (keeps(c, null)) { kept.push(i); total += c[4]; } });
    var pages = Math.max(1, Math.ceil(total / PAGE));
    st.page = Math.min(Math.max(1, st.page), pages);
    writeUrl(push);
    options(total);
    // global row numbers of this page: walk the kept cells to the page's first row
    var want = [], skip = (st.page - 1) * PAGE, need = PAGE;
    for (var j = 0; j < kept.length && need > 0; j++) {
      var c = m.cells[kept[j]], n = c[4];
      if (skip >= n) { skip -= n; continue; }
      var take = Math.min(n - skip, need);
      for (var r = 0; r < take; r++) want.push(starts[kept[j]] + skip + r);
      need -= take;
      skip = 0;
    }
    var needed = [];
    want.forEach(function (g) { var k = Math.floor(g / m.chunk); if (needed.indexOf(k) < 0) needed.push(k); });
    ui.count.textContent = "找到 " + total + " 项项目业绩" + (total ? "，第 " + st.page + " / " + pages + " 页" : "");
    ui.count.setAttribute("data-n", String(total));
    ui.where.textContent = st.page + " / " + pages;
    ui.prev.disabled = st.page <= 1;
    ui.next.disabled = st.page >= pages;
    var asked = st.page + "|" + FILTERS.map(function (f) { return st[f[0]]; }).join("|");
    root.setAttribute("data-busy", "1");
    Promise.all(needed.map(chunk)).then(function (loaded) {
      if (asked !== st.page + "|" + FILTERS.map(function (f) { return st[f[0]]; }).join("|")) return;  // superseded
      var byChunk = {};
      needed.forEach(function (k, i) { byChunk[k] = loaded[i]; });
      draw(want.map(function (g) { return byChunk[Math.floor(g / m.chunk)][g % m.chunk]; }));
      root.removeAttribute("data-busy");
      root.setAttribute("data-ready", "1");
    });
  }

  function draw(rows) {
    var frag = document.createDocumentFragment();
    rows.forEach(function (r) {
      var tr = el("tr"), a = el("a", { href: AGENCY + r[1] + "/#projects" }, r[2]), td = el("td");
      tr.appendChild(el("td", {}, r[0]));
      td.appendChild(a);
      tr.appendChild(td);
      tr.appendChild(el("td", {}, r[3]));
      tr.appendChild(el("td", {}, r[4]));
      tr.appendChild(el("td", {}, r[5] || "—"));
      tr.appendChild(el("td", {}, r[6]));
      frag.appendChild(tr);
    });
    if (!rows.length) {
      var none = el("tr", { "class": "tp-proj-none" });
      none.appendChild(el("td", { colspan: "6" }, "没有符合条件的项目业绩。"));
      frag.appendChild(none);
    }
    ui.tbody.textContent = "";
    ui.tbody.appendChild(frag);
  }

  function init(manifest) {
    m = manifest;
    var at = 0;
    m.cells.forEach(function (c) { starts.push(at); at += c[4]; });
    st = readUrl();
    buildUi();
    update(false);
  }
})();
