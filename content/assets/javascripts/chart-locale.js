/* One plotly configuration for every chart of the site: Chinese toolbar (a zh-CN locale registered
   once), no cloud upload ("Share chart…", Chart Studio) and no logo. charts.js and report.js call
   window.tpPlotlyConfig() right before Plotly.newPlot, when plotly.js is loaded. */
(function () {
  "use strict";
  var registered = false;
  var DICTIONARY = {
    "Autoscale": "自动缩放", "Box Select": "框选", "Lasso Select": "套索选择", "Pan": "平移", "Zoom": "缩放",
    "Zoom in": "放大", "Zoom out": "缩小", "Reset axes": "重置坐标轴", "Reset view": "重置视图", "Reset views": "重置视图",
    "Reset": "重置", "Toggle Spike Lines": "显示/隐藏辅助线", "Show closest data on hover": "悬停显示最近数据",
    "Compare data on hover": "悬停比较数据", "Toggle show closest data on hover": "切换悬停显示方式",
    "Download plot as a PNG": "下载图片（PNG）", "Download plot": "下载图片", "Download plot as JSON": "下载图表数据（JSON）",
    "Taking snapshot - this may take a few seconds": "正在生成图片，请稍候", "Snapshot succeeded": "图片已生成",
    "Sorry, there was a problem downloading your snapshot!": "抱歉，图片下载失败！",
    "Sorry, there was a problem downloading your image!": "抱歉，图片下载失败！",
    "Double-click on legend to isolate one trace": "双击图例只显示该项", "Double-click to zoom back out": "双击还原",
    "Produced with Plotly.js": "由 Plotly.js 生成", "Click to enter Plot title": "点击输入图表标题",
    "Click to enter X axis title": "点击输入横轴标题", "Click to enter Y axis title": "点击输入纵轴标题",
    "Draw line": "画线", "Draw rectangle": "画矩形", "Draw circle": "画圆", "Erase active shape": "删除图形",
    "Draw open freeform": "自由画线", "Draw closed freeform": "自由画区域", "Orbital rotation": "轨道旋转",
    "Turntable rotation": "转台旋转", "Reset camera to default": "重置视角", "Reset camera to last save": "恢复上次视角",
    "Share chart...": "分享图表…", "trace": "数据系列"
  };
  var FORMAT = {
    days: ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
    shortDays: ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
    months: ["一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月"],
    shortMonths: ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"],
    date: "%Y-%m-%d", decimal: ".", thousands: ","
  };
  window.tpPlotlyConfig = function () {
    if (!registered && window.Plotly && window.Plotly.register) {
      window.Plotly.register({ moduleType: "locale", name: "zh-CN", dictionary: DICTIONARY, format: FORMAT });
      registered = true;
    }
    return {
      locale: "zh-CN", displaylogo: false, responsive: true,
      showSendToCloud: false, showEditInChartStudio: false, showLink: false, plotlyServerURL: "",
      modeBarButtonsToRemove: ["sendChartToCloud", "editInChartStudio", "lasso2d", "select2d"],
      toImageButtonOptions: { format: "png", filename: "图表" }
    };
  };
})();
