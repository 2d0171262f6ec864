/* 智能问答: client-side retrieval over the index built at build time (build_tools/compute/qa/index.py).
   Mirrors build_tools/compute/qa/retrieval.py step by step — keep the two in sync (a browser test compares them).
   Does nothing on pages without #tp-qa-data. Data is shown with textContent only. */
(function () {
  "use strict";
  var RUNS = /[\u4e00-\u9fff]+|[a-z]+|[0-9]+(?:\.[0-9]+)*/g;
  var BIGRAM = "#";

  function isCjk(text) { return text[0] >= "\u4e00" && text[0] <= "\u9fff"; }
  function fold(text) {
    return text.normalize("NFKC").replace(/[A-Z]/g, function (c) { return c.toLowerCase(); });
  }

  function prepare(index) {
    var byFirst = new Map();
    index.forms.forEach(function (pair) {
      var key = pair[0][0];
      if (!byFirst.has(key)) byFirst.set(key, []);
      byFirst.get(key).push(pair);
    });
    var df = new Map(Object.entries(index.df));
    var vocab = new Set();
    var maxLen = 1;
    df.forEach(function (_, term) {
      if (term[0] !== BIGRAM) { vocab.add(term); maxLen = Math.max(maxLen, term.length); }
    });
    return {
      index: index, cfg: index.config, byFirst: byFirst, df: df, vocab: vocab, maxLen: maxLen,
      stop: new Set(index.config.stopwords), single: new Set(index.config.single_chars),
      docs: index.docs.map(function (d) {
        return { id: d.id, category: d.category, len: d.len, tf: new Map(Object.entries(d.tf)) };
      })
    };
  }

  function canonicalise(text, p) {
    var out = [], i = 0;
    while (i < text.length) {
      var forms = p.byFirst.get(text[i]) || [], hit = null;
      for (var k = 0; k < forms.length; k++) {
        if (text.startsWith(forms[k][0], i)) { hit = forms[k]; break; }
      }
      if (hit) { out.push(hit[1]); i += hit[0].length; } else { out.push(text[i]); i += 1; }
    }
    return out.join("");
  }

  function bigrams(run) {
    var out = [];
    for (var i = 0; i + 1 < run.length; i++) out.push(BIGRAM + run.slice(i, i + 2));
    return out;
  }

  function keepWord(word, p) {
    if (p.stop.has(word)) return false;
    return word.length > 1 || p.single.has(word) || !isCjk(word);
  }

  function subWords(word, p) {
    var found = [];
    [2, 3].forEach(function (n) {
      if (word.length > n) {
        for (var i = 0; i + n <= word.length; i++) {
          var piece = word.slice(i, i + n);
          if (p.vocab.has(piece)) found.push(piece);
        }
      }
    });
    return found;
  }

  function forwardMaxMatch(run, p) {
    var words = [], i = 0;
    while (i < run.length) {
      var matched = 0;
      for (var n = Math.min(p.maxLen, run.length - i); n > 0; n--) {
        var piece = run.slice(i, i + n);
        if ((n > 1 && p.vocab.has(piece)) || (n === 1 && p.single.has(piece))) { words.push(piece); matched = n; break; }
      }
      i += matched || 1;
    }
    return words;
  }

  function queryTerms(query, p) {
    var words = [], grams = [];
    (canonicalise(fold(query), p).match(RUNS) || []).forEach(function (run) {
      if (isCjk(run)) {
        forwardMaxMatch(run, p).forEach(function (w) { words.push(w); words.push.apply(words, subWords(w, p)); });
        grams.push.apply(grams, bigrams(run));
      } else {
        words.push(run);
      }
    });
    var terms = new Map();
    words.forEach(function (w) { if (keepWord(w, p) && !terms.has(w)) terms.set(w, 1.0); });
    grams.forEach(function (g) { if (!terms.has(g)) terms.set(g, p.cfg.bigram_weight); });
    return Array.from(terms.entries());
  }

  function idf(p, term) {
    var n = p.index.n, df = p.df.get(term) || 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  function scoreAll(query, p, category) {
    var k1 = p.cfg.k1, b = p.cfg.b, avgdl = p.index.avgdl;
    var terms = queryTerms(query, p).map(function (t) { return [t[0], t[1], idf(p, t[0])]; });
    var ceiling = 0.0;
    terms.forEach(function (t) { ceiling += t[1] * t[2] * (k1 + 1); });
    var hits = [];
    p.docs.forEach(function (doc, pos) {
      if (category && doc.category !== category) return;
      var normLen = k1 * (1 - b + b * doc.len / avgdl);
      var score = 0.0;
      terms.forEach(function (t) {
        var tf = doc.tf.get(t[0]) || 0;
        if (tf) score += t[1] * t[2] * tf * (k1 + 1) / (tf + normLen);
      });
      if (score > 0) hits.push({ doc: pos, id: doc.id, score: score, norm: score / ceiling });
    });
    hits.sort(function (x, y) { return (y.score - x.score) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0); });
    return hits;
  }

  function answers(query, p, category) {
    var cfg = p.cfg, hits = scoreAll(query, p, category);
    if (!hits.length || hits[0].norm < cfg.threshold) return [];
    var floor = hits[0].score * cfg.relative_cut;
    return hits.filter(function (h) { return h.norm >= cfg.threshold && h.score >= floor; }).slice(0, cfg.max_results);
  }

  // --- page ---------------------------------------------------------------
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function link(href, text) { var a = el("a", "", text); a.href = href; return a; }

  function card(hit, item) {
    var box = el("section", "tp-qa-card");
    box.setAttribute("data-faq-id", hit.id);
    var head = el("h3", "tp-qa-question");
    head.appendChild(link(item.url, item.question));
    box.appendChild(head);
    box.appendChild(el("p", "tp-qa-answer", item.answer));
    var meta = el("p", "tp-qa-meta");
    meta.appendChild(el("span", "tp-tag tp-qa-category", item.category));
    meta.appendChild(el("span", "tp-qa-source", "来源：" + item.source + (item.date ? "（" + item.date + "）" : "")));
    if (item.expert) {
      meta.appendChild(document.createTextNode(" 答复专家："));
      meta.appendChild(link(item.expert.url, item.expert.name));
    }
    meta.appendChild(el("span", "tp-qa-score", " 匹配度 " + Math.round(hit.norm * 100) + "%"));
    box.appendChild(meta);
    if (item.policies.length) {
      var list = el("ul", "tp-qa-policies");
      item.policies.forEach(function (pol) {
        var li = el("li");
        li.appendChild(link(pol.url, pol.title + (pol.doc_no ? "（" + pol.doc_no + "）" : "")));
        list.appendChild(li);
      });
      var wrap = el("div", "tp-qa-related");
      wrap.appendChild(el("span", "", "相关政策："));
      wrap.appendChild(list);
      box.appendChild(wrap);
    }
    return box;
  }

  function init() {
    var data = document.getElementById("tp-qa-data");
    if (!data) return;
    var payload = JSON.parse(data.textContent);
    var p = prepare(payload.index);
    var root = data.closest(".tp-qa");
    var form = root.querySelector(".tp-qa-form");
    var input = root.querySelector(".tp-qa-input");
    var results = root.querySelector(".tp-qa-results");
    var none = root.querySelector(".tp-qa-none");
    var listed = Array.prototype.slice.call(root.querySelectorAll(".tp-qa-all li"));

    function category() {
      var checked = form.querySelector("input[name=category]:checked");
      return checked ? checked.value : "";
    }

    function run() {
      var q = input.value.trim(), cat = category();
      listed.forEach(function (li) { li.hidden = !!cat && li.getAttribute("data-category") !== cat; });
      results.replaceChildren();
      none.hidden = true;
      if (!q) return;
      var found = answers(q, p, cat);
      found.forEach(function (hit) { results.appendChild(card(hit, payload.show[hit.id])); });
      none.hidden = found.length > 0;
      results.setAttribute("data-query", q);
    }

    form.addEventListener("submit", function (ev) { ev.preventDefault(); run(); });
    form.querySelectorAll("input[name=category]").forEach(function (r) { r.addEventListener("change", run); });
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) { input.value = q; run(); }

    // Scoring entry points for the browser test that compares this file with build_tools/compute/qa/retrieval.py.
    window.tpQa = {
      rank: function (query, cat) { return scoreAll(query, p, cat || ""); },
      answers: function (query, cat) { return answers(query, p, cat || ""); },
      terms: function (query) { return queryTerms(query, p); }
    };
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
