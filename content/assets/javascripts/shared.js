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
