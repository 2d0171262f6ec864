// Unit tests of content/assets/javascripts/shared.js: `node --test tests/js/` (make test runs them).
import assert from "node:assert/strict";
import { test } from "node:test";

import { fold, foldAll, queryOf, setUrl, urlWith } from "../../content/assets/javascripts/shared.js";

test("fold: NFKC, then ASCII upper case to lower", () => {
  assert.equal(fold("ＶＯＣｓ治理"), "vocs治理");           // full-width letters
  assert.equal(fold("ＧＢ　３０９５－２０１２"), "gb 3095-2012"); // full-width digits, ideographic space, hyphen
  assert.equal(fold("危废Ⅱ类"), "危废ii类");                  // compatibility form (Roman numeral)
  assert.equal(fold("ÄÖ Straße"), "ÄÖ straße");             // only ASCII letters are lowered (Python twin)
  assert.equal(fold(""), "");
  assert.equal(fold(3095), "3095");
});

test("foldAll lowers every letter", () => {
  assert.equal(foldAll("ÄÖ ＡＢ"), "äö ab");
  assert.equal(foldAll("津海监测 CMA"), "津海监测 cma");
});

const here = (pathname, search = "", hash = "") => ({ pathname, search, hash });

test("urlWith keeps path and fragment, drops an empty query", () => {
  const loc = here("/agencies/", "?kw=old", "#list");
  assert.equal(urlWith(new URLSearchParams({ kw: "监测", sort: "name" }), loc),
               "/agencies/?kw=%E7%9B%91%E6%B5%8B&sort=name#list");
  assert.equal(urlWith(new URLSearchParams(), loc), "/agencies/#list");
  const repeated = new URLSearchParams();
  repeated.append("type", "a");
  repeated.append("type", "b&c");
  assert.equal(urlWith(repeated, here("/p/")), "/p/?type=a&type=b%26c");
});

test("setUrl pushes or replaces, and does nothing when the address is unchanged", () => {
  const calls = [];
  const hist = {
    pushState: (...a) => calls.push(["push", ...a]),
    replaceState: (...a) => calls.push(["replace", ...a]),
  };
  const loc = here("/agencies/", "?kw=a", "#x");
  assert.equal(setUrl("/agencies/?kw=a#x", true, loc, hist), false);
  assert.equal(setUrl("/agencies/?kw=b#x", true, loc, hist), true);
  assert.equal(setUrl("/agencies/#x", false, loc, hist), true);
  assert.deepEqual(calls, [["push", null, "", "/agencies/?kw=b#x"], ["replace", null, "", "/agencies/#x"]]);
});

test("queryOf reads the current query string", () => {
  const q = queryOf(here("/qa/", "?ask=%E5%8D%B1%E5%BA%9F&r=1&r=2"));
  assert.equal(q.get("ask"), "危废");
  assert.deepEqual(q.getAll("r"), ["1", "2"]);
  assert.equal(queryOf(here("/")).toString(), "");
});
