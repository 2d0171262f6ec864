// The browser makes the site search's tokens exactly as the build did (build_tools/search/tokens.py):
// tests/js/search-tokens.expected.json is Python's output for search-tokens.strings.json (tests/test_site_search.py
// checks it is, and says how to regenerate it).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { queryTokens, searchTokens } from "../../content/assets/javascripts/shared.js";

const read = (name) => JSON.parse(readFileSync(new URL(name, import.meta.url), "utf-8"));

test("searchTokens gives Python's tokens for every string", () => {
  const strings = read("./search-tokens.strings.json");
  const expected = read("./search-tokens.expected.json");
  assert.equal(expected.length, strings.length);
  strings.forEach((s, i) => assert.deepEqual(searchTokens(s), expected[i], s));
});

test("loose tokens: bigrams that do not overlap, the last one ending the run", () => {
  assert.deepEqual(searchTokens("津沽监测", true), ["津沽", "监测"]);
  assert.deepEqual(searchTokens("汇智水处理", true), ["汇智", "水处", "处理"]);
  assert.deepEqual(searchTokens("水 GB3095", true), ["水", "gb3095", "gb", "3095"]);
});

test("queryTokens drops common tokens while another remains and keeps at most 4, spread", () => {
  const common = new Set(["示例", "有限", "限公", "公司", "号有"]);
  assert.deepEqual(queryTokens("汇智示例水处理334号有限公司", common),
                   ["汇智", "例水", "水处", "334"]);   // of 汇智 智示 例水 水处 处理 334: first, last, 2 between
  assert.deepEqual(queryTokens("有限公司", common), ["有限", "限公", "公司"]);   // only common: kept
  assert.deepEqual(queryTokens("在线 在线运维", new Set()), ["在线", "线运", "运维"]);   // each once
  assert.deepEqual(queryTokens("！？", common), []);
  assert.equal(queryTokens("甲乙丙丁戊己庚辛壬癸", new Set()).length, 4);
});
