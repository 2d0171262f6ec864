/* Annual report: draw the plotly charts and wire the print button. Does nothing on other pages. */
(function () {
  "use strict";

  function loadPlotly(src, done) {
    if (window.Plotly) { done(); return; }
    var script = document.createElement("script");
    script.src = src;  // the one plotly.js asset of the site, only fetched on report pages
    script.onload = done;
    document.head.appendChild(script);
  }

  function draw(root) {
    root.querySelectorAll(".tp-chart[data-figure]").forEach(function (div) {
      var holder = document.getElementById(div.getAttribute("data-figure"));
      if (!holder) { return; }
      var fig = JSON.parse(holder.textContent);  // data arrives as JSON text, never as markup
      window.Plotly.newPlot(div, fig.data, fig.layout, window.tpPlotlyConfig());  // chart-locale.js
    });
  }

  function init() {
    var root = document.querySelector(".tp-report");
    if (!root) { return; }
    root.querySelectorAll(".tp-print").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    loadPlotly(root.getAttribute("data-plotly"), function () { draw(root); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
