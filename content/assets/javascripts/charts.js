/* Draw every chart on the page: each .tp-chart holds its plotly figure as JSON
 * (<script type="application/json" class="tp-chart-figure">); the page loads plotly.min.js itself. */
(function () {
  "use strict";
  var charts = document.querySelectorAll(".tp-chart");
  if (!charts.length || !window.Plotly) return;
  charts.forEach(function (div) {
    var src = div.querySelector("script.tp-chart-figure");
    if (!src) return;
    var fig = JSON.parse(src.textContent);
    window.Plotly.newPlot(div, fig.data, fig.layout, window.tpPlotlyConfig());  // chart-locale.js
  });
})();
