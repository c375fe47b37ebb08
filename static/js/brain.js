// The brain's map (/brain/ and the big screen /brain/screen): Apache ECharts
// with its SVG renderer, the county outline as a `geo` component (no tiles:
// it works offline), plots coloured by status and sized by area, nurseries
// and processors, township circles, this season's flows as lines. A click
// opens the records behind what was clicked. The big screen fetches its data
// again every few minutes. Data and words come from the page's JSON block.
(function () {
  "use strict";
  const block = document.getElementById("brain-data");
  const el = document.getElementById("brain-map");
  if (!block || !el || typeof echarts === "undefined") return;
  const page = JSON.parse(block.textContent);
  const text = page.text;
  const screen = document.body.classList.contains("screen");
  const COLOURS = ["#f2b705", "#e0712c", "#8bc34a", "#2e7d32"];
  const ink = screen ? "#e8eef2" : "#1f2a1c";

  function mu(centimu) { return (centimu / 100).toLocaleString(undefined, { maximumFractionDigits: 2 }) + " " + text.mu; }
  function tonnes(grams) { return (grams / 1e6).toLocaleString(undefined, { maximumFractionDigits: 1 }) + " " + text.t; }
  function plotSize(value) { return Math.max(3, Math.min(11, 2 + Math.sqrt(value[2] / 100) * 0.5)); }

  // A few flows are drawn bold; at county scale (hundreds of them) each is thin and faint by
  // its share of the largest, so the big ones stand out and the plots stay visible under them.
  function lineWidth(lines) {
    const top = Math.max(1, ...lines.map((l) => l.value));
    const many = lines.length > 60;
    return lines.map((l) => {
      const share = l.value / top;
      const style = many ? { width: 0.3 + 2.7 * share, opacity: 0.05 + 0.6 * share * share } : { width: 1 + 5 * Math.sqrt(share) };
      return Object.assign({}, l, { lineStyle: style });
    });
  }

  function series(data) {
    const out = [];
    const tsTop = Math.max(1, ...data.townships.map((t) => t.bearing || t.area));
    out.push({
      name: text.townships, type: "scatter", coordinateSystem: "geo", z: 2,
      data: data.townships.map((t) => ({ name: t.name, id: t.id, kind: "township", row: t,
                                         value: [t.lon / 1e6, t.lat / 1e6, t.bearing] })),
      symbolSize: (v) => 14 + 36 * Math.sqrt((v[2] || 0) / tsTop),
      itemStyle: { color: "rgba(75, 107, 42, 0.16)", borderColor: "rgba(75, 107, 42, 0.7)", borderWidth: 1 },
    });
    data.statuses.forEach((status, index) => {
      out.push({
        name: text.statuses[index], type: "scatter", coordinateSystem: "geo", z: 4,
        data: data.plots.filter((p) => p.status === index).map((p) => ({ name: p.name, id: p.id, kind: "plot", value: p.value })),
        symbolSize: plotSize, itemStyle: { color: COLOURS[index], opacity: 0.85, borderColor: "#fff", borderWidth: 0.5 },
      });
    });
    [["nursery", text.nurseries, "triangle", "#1e6fb8"], ["processor", text.processors, "rect", "#8e2c6b"]].forEach(([kind, name, symbol, colour]) => {
      out.push({
        name: name, type: "scatter", coordinateSystem: "geo", z: 5, symbol: symbol, symbolSize: 13,
        data: data.orgs.filter((o) => o.kind === kind).map((o) => ({ name: o.name, id: o.id, kind: kind, value: o.value })),
        itemStyle: { color: colour, borderColor: "#fff", borderWidth: 1 },
      });
    });
    [[data.dispatches, text.dispatches, "#1e6fb8"], [data.shipments, text.shipments, "#8e2c6b"]].forEach(([lines, name, colour]) => {
      out.push({
        name: name, type: "lines", coordinateSystem: "geo", z: 3, data: lineWidth(lines).map((l) => Object.assign(l, { kind: "flow" })),
        lineStyle: { color: colour, opacity: 0.45, curveness: 0.2 },
      });
    });
    return out;
  }

  function tooltip(p) {
    const d = p.data || {};
    if (d.kind === "plot") return `${d.name}<br>${p.seriesName} · ${mu(d.value[2])}`;
    if (d.kind === "township") {
      const r = d.row;
      let s = `${d.name}<br>${r.plots} ${text.plots} · ${text.area} ${mu(r.area)}`;
      if (r.forecast !== null) s += `<br>${text.forecast} ${tonnes(r.forecast)}`;
      if (r.harvested !== null) s += `<br>${text.harvested} ${tonnes(r.harvested)}`;
      return s;
    }
    if (p.seriesType === "lines") return `${d.name}<br>${d.plot ? d.value.toLocaleString() + " " + text.plants : tonnes(d.value)}`;
    return `${d.name || ""}<br>${p.seriesName}`;
  }

  function open(p) {
    const d = p.data || {};
    const urls = page.data.urls;
    let url = null;
    if (d.kind === "plot") url = urls.plot.replace(/0$/, String(d.id));
    else if (d.kind === "township" && urls.township) url = urls.township.replace("township=0", "township=" + d.id);
    else if (d.kind === "nursery") url = urls.nursery;
    else if (d.kind === "processor") url = urls.processor;
    else if (d.kind === "flow" && d.plot) url = urls.plot.replace(/0$/, String(d.plot));
    else if (d.kind === "flow" && d.org) url = urls.processor;
    if (url) window.location.assign(url);
  }

  function option(data) {
    return {
      backgroundColor: "transparent",
      textStyle: { fontFamily: 'system-ui, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif' },
      tooltip: { trigger: "item", formatter: tooltip, confine: true },
      legend: { bottom: 4, left: "center", textStyle: { color: ink, fontSize: screen ? 15 : 13 }, itemGap: 14 },
      geo: {
        map: "youyang", roam: true, layoutCenter: ["50%", "46%"], layoutSize: "92%", silent: true,
        itemStyle: { areaColor: screen ? "#16324a" : "#eef0e2", borderColor: screen ? "#5fa8d3" : "#6d7f52", borderWidth: 1.5 },
      },
      series: series(data),
    };
  }

  function bars(data) {
    const box = document.getElementById("township-bars");
    if (!box) return;
    const chart = echarts.getInstanceByDom(box) || echarts.init(box, null, { renderer: "svg" });
    const rows = data.townships.slice().sort((a, b) => a.bearing - b.bearing).slice(-12);
    chart.setOption({
      grid: { left: 90, right: 16, top: 8, bottom: 24 },
      xAxis: { type: "value", axisLabel: { color: ink }, splitLine: { lineStyle: { color: "rgba(255,255,255,0.12)" } } },
      yAxis: { type: "category", data: rows.map((r) => r.name), axisLabel: { color: ink, fontSize: 14 } },
      series: [{ type: "bar", data: rows.map((r) => Math.round(r.bearing / 100)), itemStyle: { color: "#5fa8d3" } }],
      tooltip: { trigger: "axis", valueFormatter: (v) => v.toLocaleString() + " " + text.mu },
    });
  }

  function indices(data) {
    (data.indices || []).forEach((found) => {
      const cell = document.querySelector(`[data-index="${found.key}"] .index-value`);
      if (cell && found.text) cell.textContent = found.text;
    });
  }

  function ticker(data) {
    const list = document.getElementById("ticker");
    if (!list) return;
    if (data.warnings) refill(list, data.warnings);
    // Only whole items (the page's own, or the refreshed): one the list's height would cut is left out.
    const room = list.clientHeight - parseFloat(getComputedStyle(list).paddingBottom);
    [...list.children].forEach((item) => { item.hidden = item.offsetTop + item.offsetHeight > room; });
  }

  function refill(list, warnings) {
    list.replaceChildren(...warnings.map((w) => {
      const item = document.createElement("li");
      item.className = "severity-" + w.severity;
      // The rules' messages name their subject (a plot's label is its name and a date): named once,
      // as templates/brain/screen.html does.
      const named = w.text.includes(w.subject_label.split(" ")[0]);
      item.textContent = named ? w.text : `${w.subject_label}: ${w.text}`;
      return item;
    }));
    if (!warnings.length) {
      const item = document.createElement("li");
      item.className = "empty";
      item.textContent = text.noWarnings;
      list.append(item);
    }
  }

  function draw(chart, data) {
    page.data = data;
    chart.setOption(option(data), { notMerge: true });
    bars(data);
    indices(data);
    ticker(data);
  }

  fetch(page.outlineUrl, { credentials: "same-origin" })
    .then((r) => r.json())
    .then((outline) => {
      echarts.registerMap("youyang", outline);
      const chart = echarts.init(el, null, { renderer: "svg" });
      chart.on("click", open);
      window.addEventListener("resize", () => chart.resize());
      draw(chart, page.data);
      el.dataset.ready = "true";
      if (page.dataUrl && page.refreshSeconds) {
        window.setInterval(() => {
          fetch(page.dataUrl, { credentials: "same-origin" })
            .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
            .then((data) => {
              draw(chart, data);
              const stamp = document.querySelector("#screen-time time");
              if (stamp) stamp.textContent = new Date().toLocaleTimeString();
            })
            .catch(() => {});
        }, page.refreshSeconds * 1000);
      }
    });
})();
