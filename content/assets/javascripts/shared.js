/* Helpers shared by the site's scripts (ES module; unit tests: tests/js/shared.test.js, run by `node --test`).
   Browser globals (location, history) are default arguments, so the tests pass stand-ins. */

/* Text folding of the searches: NFKC (full-width letters and digits become ASCII, compatibility forms
   their plain form), then ASCII upper case to lower. The Python twins fold the same way
   (build_tools/compute/qa/retrieval.py fold, build_tools/render/policies.py compact). */
export function fold(text) {
  return String(text).normalize("NFKC").replace(/[A-Z]/g, function (c) { return c.toLowerCase(); });
}

/* fold, then every letter to lower case (not only ASCII): the directory's search. */
export function foldAll(text) {
  return fold(text).toLowerCase();
}

/* The page's address with `params` as its query string (none when empty), keeping path and #fragment. */
export function urlWith(params, loc = location) {
  var qs = params.toString();
  return loc.pathname + (qs ? "?" + qs : "") + loc.hash;
}

/* Show `url` in the address bar: a new history entry when `push` (a deliberate step the Back button should
   undo), else replace the current one. Nothing happens when the address would not change. */
export function setUrl(url, push, loc = location, hist = history) {
  if (url === loc.pathname + loc.search + loc.hash) return false;
  hist[push ? "pushState" : "replaceState"](null, "", url);
  return true;
}

/* The query string of the current address (URLSearchParams). */
export function queryOf(loc = location) {
  return new URLSearchParams(loc.search);
}

/* The words of the site search index (全站搜索), made exactly as the index was made at build time
   (build_tools/search/tokens.py `tokens`; tests/js/search-tokens.test.js checks both agree): folded text,
   overlapping bigrams of each run of Han characters (one character alone when the run is one long), and
   each run of ASCII letters and digits (plus its letter and digit parts when it mixes both). */
var TOKEN_RUNS = /([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3134f}]+)|([0-9a-z]+)/gu;
export function searchTokens(text, loose = false) {
  var out = [];
  for (var m of fold(text).matchAll(TOKEN_RUNS)) {
    if (m[1]) {
      var chars = Array.from(m[1]);
      if (chars.length === 1) out.push(m[1]);
      // loose (a query only): bigrams that do not overlap, the last one ending the run (津沽监测: 津沽 监测)
      var step = loose ? 2 : 1;
      for (var i = 0; i + 1 < chars.length; i += step) out.push(chars[i] + chars[i + 1]);
      if (loose && chars.length > 2 && chars.length % 2) out.push(chars[chars.length - 2] + chars[chars.length - 1]);
    } else {
      out.push(m[2]);
      var parts = m[2].match(/[a-z]+|[0-9]+/g);
      if (parts.length > 1) out.push.apply(out, parts);
    }
  }
  return out;
}

/* The tokens a query is searched with: each once; common ones (in many entries: large index chunks that
   narrow nothing down) dropped while another remains; at most `max`, spread over the query (first, last,
   evenly between), so that a long name loads a few small index chunks. `loose`: see searchTokens. */
export function queryTokens(query, common, max = 4, loose = false) {
  var all = searchTokens(query, loose).filter(function (t, i, a) { return a.indexOf(t) === i; });
  var rare = all.filter(function (t) { return !common.has(t); });
  var pick = rare.length ? rare : all;
  if (pick.length <= max) return pick;
  var out = [];
  for (var k = 0; k < max; k++) out.push(pick[Math.round(k * (pick.length - 1) / (max - 1))]);
  return out;
}
