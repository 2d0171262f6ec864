/* 智能问答: client-side retrieval over the index built at build time (build_tools/compute/qa/index.py).
   Mirrors build_tools/compute/qa/retrieval.py step by step — keep the two in sync (browser tests compare them on every
   question of the benchmark sets). Does nothing on pages without #tp-qa-data. Data is shown with textContent
   only. Feedback: a question that finds no answer, or an answer marked 没有帮助, is reported by requesting the
   static file feedback.gif with the question (personal numbers removed) in its query string — it lands in the
   web server's access log, which the annual report counts. An answered question is counted by a request
   without the question (for the answered share); nothing else is sent anywhere. */
import { fold, queryOf } from "./shared.js";

(function () {
  "use strict";
  var RUNS = /[\u4e00-\u9fff]+|[a-z]+|[0-9]+(?:\.[0-9]+)*/g;
  var BIGRAM = "#";
  var MAX_REPAIR = 8;

  function isCjk(text) { return text[0] >= "\u4e00" && text[0] <= "\u9fff"; }
  function allCjk(word) { for (var i = 0; i < word.length; i++) if (!isCjk(word[i])) return false; return true; }
  function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

  function soundKey(word, sounds) {
    var keys = [];
    for (var i = 0; i < word.length; i++) {
      var s = sounds.get(word[i]);
      if (s === undefined) return "";
      keys.push(s);
    }
    return keys.join(" ");
  }

  var own = Object.prototype.hasOwnProperty;
  // Term -> number lookups read the parsed JSON objects directly (own keys only, so "constructor" is no term):
  // building Maps of the 6,000-term vocabulary and the answers' term counts doubled the time to the first answer.
  function count(obj, key) { return own.call(obj, key) ? obj[key] : 0; }

  function prepare(index) {
    var cfg = index.config, df = index.df;
    var byFirst = new Map();
    index.forms.forEach(function (pair) {
      var key = pair[0][0];
      if (!byFirst.has(key)) byFirst.set(key, []);
      byFirst.get(key).push(pair);
    });
    var stop = new Set(cfg.stopwords);
    var outside = cfg.outside.map(fold).sort(cmp);
    var outsideSet = new Set(outside);
    var formSet = new Set(index.forms.map(function (pair) { return pair[0]; }));
    var maxLen = index.max_len;
    stop.forEach(function (w) { maxLen = Math.max(maxLen, w.length); });
    outside.forEach(function (w) { maxLen = Math.max(maxLen, w.length); });
    var sounds = new Map();
    Object.keys(index.sounds).sort(cmp).forEach(function (syllable) {
      var chars = index.sounds[syllable];
      for (var i = 0; i < chars.length; i++) sounds.set(chars[i], syllable);
    });
    var p = {
      index: index, cfg: cfg, byFirst: byFirst, df: df, maxLen: maxLen, stop: stop, outsideSet: outsideSet,
      formSet: formSet, single: new Set(cfg.single_chars), sounds: sounds, outside: outside,
      generic: new Set(cfg.generic), anchors: new Set(index.anchors), places: index.places, docs: index.docs
    };
    var bySound = new Map();
    index.repairable.slice().sort(function (a, b) {
      return (count(df, b) - count(df, a)) || cmp(a, b);
    }).forEach(function (w) {
      if (w.length <= MAX_REPAIR) {
        var key = soundKey(w, sounds);
        if (key && !bySound.has(key)) bySound.set(key, w);
      }
    });
    p.bySound = bySound;
    return p;
  }

  // The index vocabulary (words, not bigrams) plus the other offices' matters: what segmentation matches.
  function inVocab(word, p) { return (word[0] !== BIGRAM && own.call(p.df, word)) || p.outsideSet.has(word); }
  // Words the typo repair leaves alone: known words, synonym forms and stop words of two CJK characters or more.
  function isExact(word, p) {
    return word.length > 1 && allCjk(word) &&
      ((word[0] !== BIGRAM && own.call(p.df, word)) || p.formSet.has(word) || p.stop.has(word));
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

  function repair(text, p) {
    var out = [], i = 0;
    while (i < text.length) {
      var taken = 0;
      if (isCjk(text[i])) {
        for (var n = Math.min(MAX_REPAIR, text.length - i); n > 1; n--) {
          var piece = text.slice(i, i + n);
          if (isExact(piece, p)) { out.push(piece); taken = n; break; }
          var key = soundKey(piece, p.sounds);
          if (key && p.bySound.has(key)) { out.push(p.bySound.get(key)); taken = n; break; }
        }
      }
      if (taken) i += taken; else { out.push(text[i]); i += 1; }
    }
    return out.join("");
  }

  function repaired(query, p) { return repair(fold(query), p); }
  function queryText(query, p) { return canonicalise(repaired(query, p), p); }

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
          if (inVocab(piece, p)) found.push(piece);
        }
      }
    });
    return found;
  }

  function segment(run, p) {
    var words = [], pieces = [], current = [], i = 0;
    while (i < run.length) {
      var taken = 0;
      for (var n = Math.min(p.maxLen, run.length - i); n > 0; n--) {
        var piece = run.slice(i, i + n);
        if ((n > 1 && (inVocab(piece, p) || p.stop.has(piece))) || (n === 1 && (p.single.has(piece) || p.stop.has(piece)))) {
          taken = n;
          break;
        }
      }
      if (taken && p.stop.has(run.slice(i, i + taken))) {
        pieces.push(current.join(""));
        current = [];
      } else if (taken) {
        words.push(run.slice(i, i + taken));
        current.push(run.slice(i, i + taken));
      } else {
        current.push(run[i]);
      }
      i += taken || 1;
    }
    pieces.push(current.join(""));
    return [words, pieces.filter(function (x) { return x.length > 1; })];
  }

  function queryTerms(query, p) {
    var words = [], grams = [];
    (queryText(query, p).match(RUNS) || []).forEach(function (run) {
      if (isCjk(run)) {
        var seg = segment(run, p);
        seg[0].forEach(function (w) { words.push(w); words.push.apply(words, subWords(w, p)); });
        seg[1].forEach(function (piece) { grams.push.apply(grams, bigrams(piece)); });
      } else {
        words.push(run);
      }
    });
    var generic = p.cfg.generic_weight;
    var terms = new Map();
    words.forEach(function (w) {
      if (keepWord(w, p) && !terms.has(w)) terms.set(w, p.generic.has(w) ? generic : 1.0);
    });
    grams.forEach(function (g) {
      if (!terms.has(g)) terms.set(g, p.cfg.bigram_weight * (p.generic.has(g.slice(1)) ? generic : 1.0));
    });
    return Array.from(terms.entries());
  }

  function idf(p, term) {
    var n = p.index.n, df = count(p.df, term);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  function inRegion(docRegions, chosen) {
    if (!chosen || !chosen.some(Boolean) || !docRegions.length) return true;
    return docRegions.some(function (r) {
      return r.every(function (a, i) { var b = chosen[i] || ""; return !a || !b || a === b; });
    });
  }

  function scoreAll(query, p, category, region) {
    var k1 = p.cfg.k1, b = p.cfg.b, avgdl = p.index.avgdl, unknown = p.cfg.unknown_weight, coverTf = p.cfg.cover_tf;
    var terms = queryTerms(query, p).map(function (t) { return [t[0], t[1], idf(p, t[0])]; });
    var total = 0.0;
    terms.forEach(function (t) { total += t[1] * t[2] * (own.call(p.df, t[0]) ? 1.0 : unknown); });
    var text = queryText(query, p);
    var regional = (region && region.some(Boolean)) || p.places.some(function (place) { return text.indexOf(place) >= 0; })
      ? 1.0 : p.cfg.place_factor;
    var hits = [];
    p.docs.forEach(function (doc, pos) {
      if ((category && doc.category !== category) || !inRegion(doc.regions, region)) return;
      var normLen = k1 * (1 - b + b * doc.len / avgdl);
      var score = 0.0, covered = 0.0;
      terms.forEach(function (t) {
        var tf = count(doc.tf, t[0]);
        if (tf) {
          score += t[1] * t[2] * tf * (k1 + 1) / (tf + normLen);
          covered += t[1] * t[2] * Math.min(1.0, tf / coverTf);
        }
      });
      if (score > 0) {
        if (doc.category === "地区") score *= regional;
        hits.push({ doc: pos, id: doc.id, score: score, norm: covered / total });
      }
    });
    hits.sort(function (x, y) { return (y.score - x.score) || cmp(x.id, y.id); });
    return hits;
  }

  function outsideMatters(query, p) {
    var text = repaired(query, p), found = [];
    p.outside.forEach(function (t) {
      var i = text.indexOf(t);
      while (i >= 0) {
        found.push(canonicalise(text.slice(i), p).slice(0, canonicalise(t, p).length + 1));
        i = text.indexOf(t, i + 1);
      }
    });
    return found;
  }

  function mentions(doc, matter) {
    for (var i = 0; i < matter.length - 1; i++) if (!own.call(doc.tf, BIGRAM + matter.slice(i, i + 2))) return false;
    return true;
  }

  function answers(query, p, category, region) {
    var cfg = p.cfg, hits = scoreAll(query, p, category, region);
    if (!hits.length) return [];
    var anchors = queryTerms(query, p).map(function (t) { return t[0]; }).filter(function (t) { return p.anchors.has(t); });
    function shown(hit) {
      var tf = p.docs[hit.doc].tf;
      return hit.norm >= cfg.threshold && anchors.some(function (a) { return own.call(tf, a); });
    }
    var best = hits[0];
    if (!shown(best) || !outsideMatters(query, p).every(function (m) { return mentions(p.docs[best.doc], m); })) return [];
    var floor = best.score * cfg.relative_cut;
    return hits.filter(function (h) { return h.score >= floor && shown(h); }).slice(0, cfg.max_results);
  }

  // The retrieval core without the page, for the browser tests and the benchmark (same code the page runs).
  window.tpQaCore = { prepare: prepare, answers: answers, scoreAll: scoreAll, queryTerms: queryTerms, queryText: queryText };

  // --- feedback --------------------------------------------------------------
  // Phone, ID card and account numbers (10 digits or more, spaces and dashes between them allowed; 7 in a
  // row; 8 split by spaces only) and e-mail addresses are removed before a question leaves the page; standard
  // numbers such as GB 18597-2023 stay. build_tools/compute/usage.py scrub() applies the same rule to the log.
  function personal(number) {
    var digits = number.replace(/\D/g, "").length;
    return digits >= 10 || /\d{7}/.test(number) || (digits >= 8 && number.indexOf("-") < 0);
  }
  function scrub(text) {
    return text.replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, "")
      .replace(/\d[\d\s-]{4,}[\dXx]/g, function (m) { return personal(m) ? "" : m; })
      .replace(/\s+/g, " ").trim().slice(0, 100);
  }

  // --- page ---------------------------------------------------------------
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function link(href, text) { var a = el("a", "", text); a.href = href; return a; }

  function card(hit, item, onUnhelpful) {
    var box = el("section", "tp-qa-card");
    box.setAttribute("data-faq-id", hit.id);
    var head = el("h3", "tp-qa-question");
    head.appendChild(link(item.url, item.question));
    box.appendChild(head);
    box.appendChild(el("p", "tp-qa-answer", item.answer));
    var meta = el("p", "tp-qa-meta");
    meta.appendChild(el("span", "tp-tag tp-qa-category", item.category));
    meta.appendChild(el("span", "tp-qa-source", "来源：" + item.source + (item.date ? "（" + item.date + "）" : "")));
    if (item.link) meta.appendChild(link(item.link, "原文"));
    if (item.regions.length) meta.appendChild(el("span", "tp-qa-regions", "适用地区：" + item.regions.join("、")));
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
    var button = el("button", "md-button tp-qa-unhelpful", "没有帮助");
    button.type = "button";
    button.addEventListener("click", function () {
      onUnhelpful(hit.id);
      button.disabled = true;
      button.textContent = "已收到反馈，谢谢";
    });
    box.appendChild(button);
    return box;
  }

  // A procedure (办事流程) or event (生态环境活动) found beside the FAQ answers.
  function moreItem(hit, item) {
    var li = el("li", "tp-qa-more-item");
    li.setAttribute("data-id", hit.id);
    li.appendChild(el("span", "tp-tag", item.kind));
    li.appendChild(link(item.url, item.title));
    li.appendChild(el("p", "tp-qa-more-facts", item.facts.concat(
      item.regions.length ? ["适用地区：" + item.regions.join("、")] : []).join("；")));
    return li;
  }

  function init() {
    var data = document.getElementById("tp-qa-data");
    if (!data) return;
    var started = performance.now();
    var payload = JSON.parse(data.textContent);
    var p = prepare(payload.index);
    var pMore = payload.more ? prepare(payload.more.index) : null;
    var prepared = performance.now();
    var root = data.closest(".tp-qa");
    var form = root.querySelector(".tp-qa-form");
    var input = root.querySelector(".tp-qa-input");
    var results = root.querySelector(".tp-qa-results");
    var none = root.querySelector(".tp-qa-none");
    var moreBox = root.querySelector(".tp-qa-more");
    var moreList = root.querySelector(".tp-qa-more-list");
    var listed = Array.prototype.slice.call(root.querySelectorAll(".tp-qa-all li"));
    var feedbackUrl = root.getAttribute("data-feedback");
    var sent = new Set();
    var timings = { parse_and_prepare_ms: prepared - started, answers_ms: [] };

    // kind "answered" is only counted (the question is not sent); "none" and "unhelpful" send the question.
    function feedback(kind, q, id) {
      var clean = scrub(q);
      var key = kind + "\u0000" + clean + "\u0000" + (id || "");
      if (!clean || !feedbackUrl || sent.has(key)) return;
      sent.add(key);
      var params = new URLSearchParams(kind === "answered" ? { r: kind } : { q: clean, r: kind });
      if (id) params.set("id", id);
      new Image().src = feedbackUrl + "?" + params.toString();
    }

    // Region filter: province -> city -> district selects filled from the regions the answers apply to.
    var regionBox = root.querySelector(".tp-qa-region");
    var levels = regionBox ? ["prov", "city", "dist"].map(function (n) { return regionBox.querySelector("select[name=" + n + "]"); }) : [];
    function fill(select, names) {
      while (select.options.length > 1) select.remove(1);
      names.forEach(function (name) { var o = document.createElement("option"); o.value = name; o.textContent = name; select.appendChild(o); });
      select.disabled = names.length === 0;
      select.value = "";
    }
    function cascade(from) {
      var tree = payload.regions, prov = levels[0].value, city = levels[1].value;
      if (from <= 0) fill(levels[1], prov && own.call(tree, prov) ? Object.keys(tree[prov]) : []);
      if (from <= 1) fill(levels[2], prov && city && own.call(tree, prov) && own.call(tree[prov], city) ? tree[prov][city] : []);
    }
    function region() { return levels.map(function (s) { return s.value; }); }
    if (regionBox) {
      regionBox.hidden = false;
      fill(levels[0], Object.keys(payload.regions));
      levels.forEach(function (select, i) {
        select.addEventListener("change", function () { if (i < 2) cascade(i); run(false); });
      });
    }

    function category() {
      var checked = form.querySelector("input[name=category]:checked");
      return checked ? checked.value : "";
    }

    function run(report) {
      var q = input.value.trim(), cat = category(), place = regionBox ? region() : [];
      listed.forEach(function (li) {
        var regions = (li.getAttribute("data-regions") || "").split("|").filter(Boolean).map(function (r) { return r.split("/"); });
        li.hidden = (!!cat && li.getAttribute("data-category") !== cat) || !inRegion(regions, place);
      });
      results.replaceChildren();
      none.hidden = true;
      if (moreBox) moreBox.hidden = true;
      if (!q) return;
      var t0 = performance.now();
      var found = answers(q, p, cat, place);
      found.forEach(function (hit) {
        results.appendChild(card(hit, payload.show[hit.id], function (id) { feedback("unhelpful", q, id); }));
      });
      timings.answers_ms.push(performance.now() - t0);
      var more = pMore ? answers(q, pMore, cat, place) : [];
      moreList.replaceChildren();
      more.forEach(function (hit) { moreList.appendChild(moreItem(hit, payload.more.show[hit.id])); });
      moreBox.hidden = more.length === 0;
      found = found.concat(more);
      none.hidden = found.length > 0;
      results.setAttribute("data-query", q);
      if (report) feedback(found.length ? "answered" : "none", q);
      var url = new URL(window.location.href);
      url.searchParams.set("ask", q);
      history.replaceState(history.state, "", url.toString());
    }

    form.addEventListener("submit", function (ev) { ev.preventDefault(); run(true); });
    form.querySelectorAll("input[name=category]").forEach(function (r) { r.addEventListener("change", function () { run(false); }); });
    var q = queryOf().get("ask");
    if (q) { input.value = q; run(true); }

    // Scoring entry points for the browser tests that compare this file with build_tools/compute/qa/retrieval.py.
    window.tpQa = {
      rank: function (query, cat, place) { return scoreAll(query, p, cat || "", place || []); },
      answers: function (query, cat, place) { return answers(query, p, cat || "", place || []); },
      terms: function (query) { return queryTerms(query, p); },
      scrub: scrub,
      timings: timings
    };
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
