// A score record's charts: how the total was built (a waterfall: each dimension, the base,
// each adjustment group, the one rounding, the total) and the unit's totals over periods.
// The figures come from the page (JSON beside the table), labelled exactly as the table shows them.
(() => {
  const COLORS = {
    part: "#0b5cad", sum: "#59636e", bonus: "#1a7f37", deduction: "#cf222e",
    floor: "#9a6700", round: "#9a6700", total: "#b71c1c",
  };
  const charts = [];

  function read(id) {
    const element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function narrow(element) {
    return element.clientWidth < 400;  // a phone; the A4 print (about 420 px) still has room
  }

  // long names on two or more lines ("发展集体\n经济"), as many characters a line as the
  // width gives each bar; turned only on a phone
  function wrapped(name, perLine) {
    const lines = [];
    for (let i = 0; i < name.length; i += perLine) lines.push(name.slice(i, i + perLine));
    return lines.join("\n");
  }

  function fitted(element, count) {
    const tight = narrow(element);
    const size = element.clientWidth < 560 ? 9 : 12;
    const perLine = Math.max(2, Math.floor((element.clientWidth - 40) / count / (size + 1)));
    return {
      xAxis: { axisLabel: { rotate: tight ? 45 : 0, fontSize: size, formatter: (name) => (tight ? name : wrapped(name, perLine)) } },
      series: [{}, { label: { fontSize: size } }],
    };
  }

  function waterfall(element, steps) {
    const chart = echarts.init(element, null, { renderer: "canvas", devicePixelRatio: Math.max(2, window.devicePixelRatio || 1) });
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 8, top: 26, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis", axisPointer: { type: "shadow" },
        formatter: (params) => { const s = steps[params[1].dataIndex]; return `${s.name}：${s.detail || s.label}`; },
      },
      xAxis: {
        type: "category", data: steps.map((s) => s.name),
        axisLabel: { interval: 0, color: "#1f2328" },
      },
      yAxis: { type: "value", name: "分", min: 0, axisLabel: { color: "#59636e" } },
      series: [
        {
          type: "bar", stack: "build", silent: true, itemStyle: { color: "transparent" },
          data: steps.map((s) => Math.min(s.start, s.end)),
        },
        {
          type: "bar", stack: "build", barMaxWidth: 56,
          data: steps.map((s) => ({ value: Math.abs(s.end - s.start), itemStyle: { color: COLORS[s.kind] } })),
          label: {
            show: true, position: "top", color: "#1f2328",
            formatter: (p) => steps[p.dataIndex].label,
          },
        },
      ],
    });
    chart.setOption(fitted(element, steps.length));
    chart.fit = () => chart.setOption(fitted(element, steps.length));
    return chart;
  }

  function history(element, points) {
    const chart = echarts.init(element, null, { renderer: "canvas", devicePixelRatio: Math.max(2, window.devicePixelRatio || 1) });
    const totals = points.map((p) => p.total);
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 24, top: 30, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", formatter: (params) => { const p = points[params[0].dataIndex]; return `${p.period}：${p.label} ${p.grade}`; } },
      xAxis: { type: "category", data: points.map((p) => p.period), axisLabel: { color: "#1f2328" } },
      yAxis: { type: "value", name: "总分", splitNumber: 2, min: Math.max(0, Math.floor(Math.min(...totals) / 10) * 10 - 10), axisLabel: { color: "#59636e" } },
      series: [{
        type: "line", symbolSize: 9, lineStyle: { color: "#0b5cad", width: 2 },
        data: points.map((p) => ({
          value: p.total,
          itemStyle: { color: p.this ? "#b71c1c" : "#0b5cad" },
          symbolSize: p.this ? 14 : 9,
        })),
        label: { show: true, position: "top", color: "#1f2328", formatter: (p) => `${points[p.dataIndex].label} ${points[p.dataIndex].grade}` },
      }],
    });
    const small = () => ({
      series: [{ label: { fontSize: element.clientWidth < 400 ? 9 : 12 } }],
      xAxis: { axisLabel: { fontSize: element.clientWidth < 400 ? 9 : 12 } },
      yAxis: { axisLabel: { fontSize: element.clientWidth < 400 ? 8 : 12 } },
    });
    chart.setOption(small());
    chart.fit = () => chart.setOption(small());
    return chart;
  }

  function resize() {
    charts.forEach((chart) => {
      chart.resize();
      if (chart.fit) chart.fit();
    });
    document.body.dataset.chartsFor = window.matchMedia("print").matches ? "print" : "screen";
  }

  document.addEventListener("DOMContentLoaded", () => {
    const built = document.getElementById("waterfall");
    if (built) charts.push(waterfall(built, read("waterfall-data")));
    const over = document.getElementById("history");
    if (over) charts.push(history(over, read("history-data")));
    window.addEventListener("resize", resize);
    window.addEventListener("beforeprint", resize);
    window.addEventListener("afterprint", resize);
    window.matchMedia("print").addEventListener("change", resize);
    document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
    document.body.dataset.charts = String(charts.length);
  });
})();
