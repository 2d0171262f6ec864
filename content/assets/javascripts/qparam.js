/* Pages with their own query parameter (智能问答 ?ask=, 需求大厅 ?kw=) load this in <head> (overrides/main.html).
   The theme reads ?q= as a site search and opens its search overlay over the page; old links to these pages
   used ?q=, so it is renamed to the page's own parameter before the theme's script starts. */
(function () {
  "use strict";
  var script = document.currentScript;
  var name = script && script.getAttribute("data-param");
  if (!name || !/^[a-z]+$/.test(name)) return;
  var url = new URL(window.location.href);
  if (!url.searchParams.has("q")) return;
  if (!url.searchParams.has(name)) url.searchParams.set(name, url.searchParams.get("q"));
  url.searchParams.delete("q");
  history.replaceState(history.state, "", url.toString());
})();
