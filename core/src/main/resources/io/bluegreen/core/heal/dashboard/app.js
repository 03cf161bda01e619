// The bluegreen dashboard: reads data.json (services, colors, replicas, timeline) every 2 s and series.json (the proxy's
// traffic from Prometheus) every 5 s, and draws them with plain DOM and SVG. Text goes in through textContent only.
"use strict";
(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const plots = {};
  let seriesAt = 0;

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function svg(tag, attrs) {
    const e = document.createElementNS(SVG, tag);
    Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
    return e;
  }

  function time(iso) {
    return iso ? new Date(iso).toLocaleTimeString() : "";
  }

  function colorBox(svc, c) {
    const active = svc.active === c.color;
    const box = el("div", { class: "color " + c.color, "data-color": c.color });
    const h = el("h3", {}, c.color + " ");
    h.appendChild(el("span", { class: "badge" + (active ? " active" : "") },
      active ? "active" : c.standbyUntil ? "standby until " + time(c.standbyUntil) : "idle"));
    box.appendChild(h);
    box.appendChild(el("p", { class: "version" }, "version " + c.version + " · deploy " + c.deployId + " · since " + time(c.since)));
    const t = el("table");
    t.appendChild(el("caption", {}, c.replicas.filter(r => r.check === "passing").length + " of " + c.replicas.length + " replicas passing"));
    const head = el("tr");
    ["replica", "address", "Consul check"].forEach(x => head.appendChild(el("th", { scope: "col" }, x)));
    t.appendChild(head);
    c.replicas.forEach(r => {
      const row = el("tr");
      row.appendChild(el("td", {}, r.id));
      row.appendChild(el("td", {}, r.endpoint));
      row.appendChild(el("td", { class: r.check }, r.check));
      t.appendChild(row);
    });
    box.appendChild(t);
    return box;
  }

  function timeline(svc) {
    const t = el("table", { class: "timeline" });
    t.appendChild(el("caption", {}, "deploys and heals, newest first"));
    const head = el("tr");
    ["ended", "operation", "version", "to", "outcome", "took", "why"].forEach(x => head.appendChild(el("th", { scope: "col" }, x)));
    t.appendChild(head);
    svc.history.slice(0, 12).forEach(e => {
      const row = el("tr", { "data-id": e.id });
      row.appendChild(el("td", {}, time(e.endedAt)));
      row.appendChild(el("td", {}, e.kind));
      row.appendChild(el("td", {}, e.version));
      row.appendChild(el("td", {}, e.color));
      row.appendChild(el("td", { class: e.outcome }, e.outcome));
      row.appendChild(el("td", {}, (e.durationMs / 1000).toFixed(1) + " s" + (e.flipMs != null ? " (flip " + e.flipMs + " ms)" : "")));
      row.appendChild(el("td", { class: "reason" }, e.reason));
      t.appendChild(row);
    });
    return t;
  }

  function section(svc) {
    const s = el("section", { class: "service", "data-service": svc.service, "aria-labelledby": "h-" + svc.service });
    const h = el("h2", { id: "h-" + svc.service }, svc.service + " ");
    h.appendChild(el("span", { class: "active-color" }, svc.error ? "unreadable" : svc.active || "nothing deployed"));
    s.appendChild(h);
    if (svc.error) {
      s.appendChild(el("p", { class: "failed" }, svc.error));
      return s;
    }
    const colors = el("div", { class: "colors" });
    svc.colors.forEach(c => colors.appendChild(colorBox(svc, c)));
    s.appendChild(colors);
    s.appendChild(plotBox(svc.service));
    s.appendChild(timeline(svc));
    return s;
  }

  function plotBox(service) {
    if (!plots[service]) {
      const box = el("div", { class: "plots" });
      [["requests", "requests per second through the proxy"], ["errors", "share of 5xx answers"],
       ["responseTime", "response time (s)"]].forEach(([key, label]) => {
        const f = el("figure", { "data-plot": key });
        const g = svg("svg", { viewBox: "0 0 300 100", preserveAspectRatio: "none", role: "img", "aria-label": label + ": no data yet" });
        f.appendChild(g);
        f.appendChild(el("figcaption", {}, label));
        box.appendChild(f);
      });
      plots[service] = { box: box, history: [] };
    }
    return plots[service].box;
  }

  function draw(service, data) {
    const p = plots[service];
    if (!p) return;
    // The x axis starts where the data does (at most 15 minutes back, at least one minute), so a young service fills it.
    const firsts = ["requests", "errors", "responseTime"].map(k => (data[k] || [])[0]).filter(Boolean).map(q => q[0]);
    const from = Math.max(data.from, Math.min(data.to - 60, ...firsts));
    ["requests", "errors", "responseTime"].forEach(key => {
      // the router says what its response time is (HAProxy: an average; nginx: a p99 from its histogram)
      const caption = data.labels && data.labels[key];
      if (caption) p.box.querySelector('[data-plot="' + key + '"] figcaption').textContent = caption;
      const g = p.box.querySelector('[data-plot="' + key + '"] svg');
      while (g.firstChild) g.removeChild(g.firstChild);
      const pts = (data[key] || []).filter(x => isFinite(x[1]));
      const span = Math.max(1, data.to - from);
      const top = Math.max(0, ...pts.map(x => x[1]));
      const max = Math.max(1e-9, top);
      const x = t => ((t - from) / span) * 300;
      const y = v => 95 - (v / max) * 85;
      p.history.forEach(e => {
        const at = Date.parse(e.endedAt) / 1000;
        if (at >= from && at <= data.to) {
          const m = svg("line", { x1: x(at), x2: x(at), y1: 0, y2: 100, class: "mark" + (e.outcome === "succeeded" ? " ok" : "") });
          const title = svg("title", {});
          title.textContent = e.kind + " " + e.version + " " + e.outcome;
          m.appendChild(title);
          g.appendChild(m);
        }
      });
      if (pts.length > 1) {
        g.appendChild(svg("polyline", { class: "line", points: pts.map(q => x(q[0]).toFixed(1) + "," + y(q[1]).toFixed(1)).join(" ") }));
      }
      const label = svg("text", { x: 2, y: 10 });
      label.textContent = pts.length ? "max " + Number(top.toPrecision(3)) : "no data";
      g.appendChild(label);
      const last = pts.length ? pts[pts.length - 1][1].toPrecision(3) : "no data";
      g.setAttribute("aria-label", key + " over the last " + Math.round(span / 60) + " minutes: latest " + last + ", highest " + (pts.length ? Number(top.toPrecision(3)) : "none")
        + "; " + p.history.length + " recorded operations marked");
    });
  }

  async function refresh() {
    const status = document.getElementById("status");
    try {
      const r = await fetch("data.json", { cache: "no-store" });
      if (!r.ok) throw new Error("data.json answered " + r.status);
      const data = await r.json();
      const main = document.getElementById("services");
      const focused = document.activeElement && document.activeElement.id;
      const sections = data.services.map(section);
      main.replaceChildren(...sections);
      data.services.forEach(s => { if (plots[s.service]) plots[s.service].history = s.history || []; });
      if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
      status.textContent = "updated " + time(data.now) + (data.prometheus ? "" : " · plots off: the heal server has no --prometheus");
      if (data.prometheus && Date.now() - seriesAt > 5000) {
        seriesAt = Date.now();
        for (const s of data.services) {
          const q = await fetch("series.json?service=" + encodeURIComponent(s.service), { cache: "no-store" });
          if (q.ok) draw(s.service, await q.json());
        }
      }
    } catch (e) {
      status.textContent = "could not refresh: " + e.message;
    }
  }

  refresh();
  setInterval(refresh, 2000);
})();
