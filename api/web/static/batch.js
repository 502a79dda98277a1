// The batch dashboard: the grade distribution drawn with ECharts from the figures the page
// carries, and the parent filter applied as soon as one is chosen.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("grade-chart");
  if (box && window.echarts) {
    const chart = echarts.init(box);
    chart.setOption({
      grid: { left: 48, right: 16, top: 24, bottom: 48 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: JSON.parse(box.dataset.titles), axisLabel: { interval: 0 } },
      yAxis: { type: "value", name: "单位数", minInterval: 1 },
      series: [{ type: "bar", data: JSON.parse(box.dataset.counts), label: { show: true, position: "top" }, itemStyle: { color: "#b71c1c" } }],
    });
    window.addEventListener("resize", () => chart.resize());
  }
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.submit());
  }
});
