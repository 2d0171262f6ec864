/* 全站搜索: the search box of every page (a short result list under it) and the results page search/.
   Queries the Pagefind index (pagefind/, built from the records at build time): a query downloads only the
   index chunks and result fragments it needs, never a whole-site index. Without JavaScript the box is a plain
   form that opens search/?q=…. Record text reaches the page as text only (textContent and text nodes).
   An ES module: the query's tokens are made by shared.js exactly as the index's were at build time. */
import { queryTokens, searchTokens } from "./shared.js";

(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-platform-search]");
  if (!forms.length) return;
  var resultsUrl = new URL(forms[0].getAttribute("action"), location.href);
  var base = resultsUrl.pathname.replace(/search\/?$/, "");   // the site's base path, e.g. /eco-third-party/
  var engine = null;
  var PAGE = 10, PANEL = 6;

  // Pagefind's module and the list of common tokens (pagefind/common.json, a few KB), loaded together.
  function load() {
    if (!engine) {
      engine = Promise.all([
        import(base + "pagefind/pagefind.js").then(function (pf) {
          // pageLength 1: short entries (an agency, a policy) before long ones (a 项目业绩 list naming many companies)
          return pf.options({ baseUrl: base, ranking: { pageLength: 1.0, termFrequency: 0.5 } })
            .then(function () { return pf; });
        }),
        fetch(base + "pagefind/common.json").then(function (r) { return r.ok ? r.json() : []; })
          .catch(function () { return []; }),   // without it every token is looked up: slower, still right
      ]).then(function (both) { return { pf: both[0], common: new Set(both[1]) }; });
      engine.catch(function () { engine = null; });
    }
    return engine;
  }

  // The index holds tokens (bigrams of Chinese text, runs of letters and digits), made at build time the way
  // shared.js makes them here, so one form of the query suffices: its rarest-looking tokens (common ones
  // dropped, at most 4 spread over the query). Pagefind returns the entries holding all of them, ignoring a
  // token that is in no entry (津沽监测: 沽监 spans two words of 津沽示例环境监测…). When none of them is anywhere
  // (燕赵环境咨询 keeps only 赵环), the query is tried once more with non-overlapping bigrams (燕赵 环境 咨询).
  function search(query, kind) {
    return load().then(function (e) {
      var options = { filters: kind ? { kind: kind } : {} };
      var terms = queryTokens(query, e.common);
      if (!terms.length) return { results: [], filters: {} };
      return e.pf.search(terms.join(" "), options).then(function (res) {
        var loose = queryTokens(query, e.common, 4, true);
        if (res.results.length || loose.join(" ") === terms.join(" ")) return res;
        return e.pf.search(loose.join(" "), options);
      }).then(function (res) { return rerank(query, res); });
    });
  }

  // Pagefind ranks by how often the tokens occur: a 项目业绩 entry naming ten companies can outrank the agency
  // whose name was typed. The first results are reordered: titles holding the query first, then titles
  // holding more of the query's tokens (燕赵环境咨询 -> 燕赵示例环境咨询…号 before 燕赵示例环境科技…号).
  var RERANK = 10;
  function rerank(query, res) {
    var head = res.results.slice(0, RERANK), q = query.trim(), parts = q.split(/\s+/);
    var wanted = searchTokens(q).filter(function (t, i, a) { return a.indexOf(t) === i; });
    return Promise.all(head.map(function (r) { return r.data(); })).then(function (rows) {
      function rank(d) {
        var t = (d.meta && d.meta.title) || "";
        if (t === q) return 0;
        if (t.indexOf(q) >= 0) return 1;
        if (parts.every(function (w) { return t.indexOf(w) >= 0; })) return 2;
        var have = new Set(searchTokens(t));
        var hits = wanted.filter(function (w) { return have.has(w); }).length;
        return 3 + (wanted.length ? 1 - hits / wanted.length : 1);
      }
      var order = head.map(function (r, i) { return { r: r, k: rank(rows[i]), i: i }; });
      order.sort(function (a, b) { return a.k - b.k || a.i - b.i; });
      res.results = order.map(function (o) { return o.r; }).concat(res.results.slice(RERANK));
      return res;
    });
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  // The entry's line of plain text (meta.text; the index itself holds only tokens), the words of the query
  // it contains marked: built from text nodes, never parsed.
  function textLine(text, query) {
    var out = el("p", "tp-search-excerpt");
    var words = query.trim().split(/\s+/).filter(Boolean), i = 0;
    while (i < text.length) {
      var at = -1, len = 0;
      words.forEach(function (w) {
        var j = text.indexOf(w, i);
        if (j >= 0 && (at < 0 || j < at || (j === at && w.length > len))) { at = j; len = w.length; }
      });
      if (at < 0) break;
      if (at > i) out.appendChild(document.createTextNode(text.slice(i, at)));
      out.appendChild(el("mark", "", text.slice(at, at + len)));
      i = at + len;
    }
    if (i < text.length) out.appendChild(document.createTextNode(text.slice(i)));
    return out;
  }

  function safeHref(url) {
    var u = new URL(url, location.href);
    return u.origin === location.origin ? u.pathname + u.search + u.hash : base;
  }

  function item(data, query) {
    var li = el("li", "tp-search-item");
    var meta = data.meta || {};
    li.appendChild(el("span", "tp-search-kind", meta.kind || "页面"));
    var a = el("a", "tp-search-title", meta.title || data.url);
    a.href = safeHref(data.url);
    li.appendChild(a);
    if (meta.sub) li.appendChild(el("span", "tp-search-sub", meta.sub));
    if (query && meta.text) li.appendChild(textLine(meta.text, query));
    return li;
  }

  function moreUrl(query) {
    var u = new URL(resultsUrl);
    u.searchParams.set("q", query);
    return u.pathname + u.search;
  }

  /* ---- the box in the header: up to PANEL results under it ---- */
  forms.forEach(function (form) {
    var input = form.querySelector("input[name=q]");
    if (!input || form.closest(".tp-search-page")) return;
    var panel = el("div", "platform-search__panel");
    panel.hidden = true;
    panel.setAttribute("aria-live", "polite");
    form.appendChild(panel);
    var timer = 0, seq = 0;

    function close() { panel.hidden = true; }
    function show(query) {
      var mine = ++seq;
      if (!query.trim()) { close(); return; }
      search(query, "").then(function (res) {
        return Promise.all(res.results.slice(0, PANEL).map(function (r) { return r.data(); })).then(function (rows) {
          if (mine !== seq) return;
          panel.textContent = "";
          if (!rows.length) {
            panel.appendChild(el("p", "platform-search__none", "未找到与“" + query.trim() + "”相关的内容"));
          } else {
            var list = el("ol", "platform-search__list");
            rows.forEach(function (d) { list.appendChild(item(d, "")); });
            panel.appendChild(list);
          }
          var all = el("a", "platform-search__all", rows.length ? "查看全部 " + res.results.length + " 条结果" : "打开全站搜索");
          all.href = moreUrl(query.trim());
          panel.appendChild(all);
          panel.hidden = false;
        });
      }).catch(function () {
        if (mine !== seq) return;
        panel.textContent = "";
        panel.appendChild(el("p", "platform-search__none", "搜索暂时不可用，请按回车打开搜索页。"));
        panel.hidden = false;
      });
    }
    input.addEventListener("focus", function () { load().catch(function () {}); });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { show(input.value); }, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { close(); }
      else if (e.key === "ArrowDown" && !panel.hidden) {
        var first = panel.querySelector("a");
        if (first) { e.preventDefault(); first.focus(); }
      }
    });
    form.addEventListener("focusout", function (e) {
      if (!form.contains(e.relatedTarget)) setTimeout(function () { if (!form.contains(document.activeElement)) close(); }, 150);
    });
    form.addEventListener("submit", function (e) {
      if (!input.value.trim()) { e.preventDefault(); input.focus(); }
    });
  });

  /* ---- the results page (search/) ---- */
  var root = document.querySelector(".tp-search-page");
  if (!root) return;
  var form = root.querySelector(".tp-search-form");
  var q = form.querySelector("input[name=q]");
  var kindSelect = form.querySelector("select[name=kind]");
  var status = root.querySelector(".tp-search-status");
  var list = root.querySelector(".tp-search-results");
  var more = root.querySelector(".tp-search-more");
  var kinds = (root.getAttribute("data-kinds") || "").split("|");
  var current = null, shown = 0, run = 0, pageTitle = document.title;

  function readUrl() {
    var p = new URLSearchParams(location.search);
    q.value = (p.get("q") || "").slice(0, 100);
    var k = p.get("kind") || "";
    kindSelect.value = kinds.indexOf(k) >= 0 ? k : "";
  }

  function labelKinds(counts) {
    Array.prototype.forEach.call(kindSelect.options, function (opt) {
      if (!opt.value) return;
      var n = counts && counts[opt.value];
      opt.textContent = opt.value + (counts ? "（" + (n || 0) + "）" : "");
    });
  }

  function showMore() {
    var mine = run, batch = current.results.slice(shown, shown + PAGE);
    more.hidden = true;
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (rows) {
      if (mine !== run) return;
      rows.forEach(function (d) { list.appendChild(item(d, q.value.trim())); });
      shown += rows.length;
      more.hidden = shown >= current.results.length;
    });
  }

  function update() {
    var query = q.value.trim(), kind = kindSelect.value, mine = ++run;
    list.textContent = "";
    more.hidden = true;
    document.title = (query ? query + " · " : "") + pageTitle;
    if (!query) {
      status.textContent = "请输入关键词，例如机构名称、经营类型、项目名称、标准号或政策名称。";
      labelKinds(null);
      return;
    }
    status.textContent = "正在搜索“" + query + "”…";
    search(query, kind).then(function (res) {
      if (mine !== run) return;
      current = res;
      shown = 0;
      labelKinds(kind ? null : (res.filters && res.filters.kind));
      var n = res.results.length, scope = kind ? "（类别：" + kind + "）" : "";
      if (!n) {
        status.textContent = "未找到与“" + query + "”相关的结果" + scope + "。请换一个关键词、减少关键词，或选择全部类别。";
        return;
      }
      status.textContent = "找到 " + n + " 条与“" + query + "”相关的结果" + scope + "。";
      return showMore();
    }).catch(function () {
      if (mine !== run) return;
      status.textContent = "搜索暂时不可用，请稍后重试，或使用机构列表、标准政策等页面的筛选。";
    });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var p = new URLSearchParams();
    if (q.value.trim()) p.set("q", q.value.trim());
    if (kindSelect.value) p.set("kind", kindSelect.value);
    var url = location.pathname + (p.toString() ? "?" + p.toString() : "");
    if (url !== location.pathname + location.search) history.pushState(null, "", url);
    update();
  });
  kindSelect.addEventListener("change", function () { form.requestSubmit ? form.requestSubmit() : update(); });
  more.addEventListener("click", showMore);
  window.addEventListener("popstate", function () { readUrl(); update(); });
  readUrl();
  update();
})();
