/* Lemma graph views: the global graph page and every note's local graph, drawn on a canvas.
   No library, no network beyond this site: the global data (positions computed at build time)
   is fetched only by the graph page; a note's neighbourhood is inlined in its page. */
(function () {
  "use strict";
  var here = document.currentScript ? document.currentScript.src : location.href;
  var ROOT = new URL("../../", here); // assets/lemma/lemma-graph.js -> the site root
  var LABELS = { paper: "Papers", take: "Quick takes", concept: "Concepts", digest: "Digests",
    note: "Notes" };
  var ONE = { paper: "Paper", take: "Quick take", concept: "Concept", digest: "Digest",
    note: "Note" };
  var FONT = "12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  var views = [];
  var motion = window.matchMedia ? matchMedia("(prefers-reduced-motion: reduce)") : null;

  function make(tag, attrs, parent, text) {
    var node = document.createElement(tag);
    for (var key in attrs || {}) node.setAttribute(key, attrs[key]);
    if (text != null) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }
  function reduced() { return !!(motion && motion.matches); }

  /* ---- model: typed arrays of positions and attributes, neighbour lists ---- */
  function Model(kinds, count) {
    this.kinds = kinds;
    this.n = count;
    this.x = new Float64Array(count);
    this.y = new Float64Array(count);
    this.size = new Uint8Array(count);
    this.kind = new Uint8Array(count);
    this.depth = new Uint8Array(count);
    this.title = new Array(count);
    this.url = new Array(count);
    this.tags = new Array(count);
    this.adj = [];
    for (var i = 0; i < count; i++) this.adj.push([]);
    this.edges = [];
    this.shown = new Uint8Array(count).fill(1);
    this.hub = new Uint8Array(count);
    this.group = new Uint8Array(count); /* the colour: the kind, or the folder's colour slot */
  }
  /* Colour by kind, or (a vault whose notes all have one kind) by top-level folder: the FOLDERS
     largest folders get a colour each, the rest share "Other folders". */
  var FOLDERS = 11;
  Model.prototype.colourBy = function (data, folderOf) {
    var m = this;
    m.byFolder = data.by === "folder";
    if (!m.byFolder) {
      m.groupNames = m.kinds.map(function (k) { return LABELS[k]; });
      m.groupClass = m.kinds.map(function (k) { return "lemma-graph-kind-" + k; });
      for (var i = 0; i < m.n; i++) m.group[i] = m.kind[i];
      return;
    }
    var names = data.f || [];
    m.groupNames = []; m.groupClass = [];
    for (var s = 0; s <= FOLDERS; s++) {
      m.groupNames.push(s < FOLDERS ? (names[s] === "" ? "Top level" : names[s]) : "Other folders");
      m.groupClass.push("lemma-graph-c" + s);
    }
    for (i = 0; i < m.n; i++) m.group[i] = Math.min(folderOf(i), FOLDERS);
  };
  /* Connected components, so the view can fit the main one(s) rather than every stray note. */
  Model.prototype.components = function () {
    var m = this, comp = new Int32Array(m.n).fill(-1), sizes = [];
    for (var s = 0; s < m.n; s++) {
      if (comp[s] >= 0) continue;
      var stack = [s], c = sizes.length, size = 0;
      comp[s] = c;
      while (stack.length) {
        var v = stack.pop(); size++;
        m.adj[v].forEach(function (u) { if (comp[u] < 0) { comp[u] = c; stack.push(u); } });
      }
      sizes.push(size);
    }
    m.comp = comp;
  };
  /* The notes the view fits: the shown part of each component at least a quarter the size of the
     largest (and of two notes or more), so an isolated note does not squeeze the rest. */
  Model.prototype.mainNodes = function () {
    var m = this, count = {}, best = 0, i, keep = new Uint8Array(m.n);
    if (!m.comp) m.components();
    for (i = 0; i < m.n; i++) if (m.shown[i]) best = Math.max(best, count[m.comp[i]] = (count[m.comp[i]] || 0) + 1);
    for (i = 0; i < m.n; i++) keep[i] = m.shown[i] && (best < 2 || count[m.comp[i]] >= Math.max(2, best / 4)) ? 1 : 0;
    return keep;
  };
  /* The HUBS most central notes (by size class, ties included) are labelled whatever the zoom. */
  var HUBS = 10;
  Model.prototype.markHubs = function () {
    var m = this, order = [];
    for (var i = 0; i < m.n; i++) order.push(i);
    order.sort(function (a, b) { return m.size[b] - m.size[a] || a - b; });
    var count = Math.min(HUBS, Math.ceil(m.n / 4));
    if (!count) return;
    var cut = m.size[order[count - 1]]; /* notes tied with the last hub are hubs too */
    order.forEach(function (i, rank) {
      if (rank < 2 * HUBS && (rank < count || m.size[i] === cut) && (m.size[i] > 0 || m.n < 12)) m.hub[i] = 1;
    });
  };
  /* Turn the drawing a quarter so its long side runs along the stage's long side. */
  Model.prototype.orient = function (w, h, keep) {
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity, i;
    for (i = 0; i < this.n; i++) {
      if (!keep[i]) continue;
      x0 = Math.min(x0, this.x[i]); x1 = Math.max(x1, this.x[i]); y0 = Math.min(y0, this.y[i]); y1 = Math.max(y1, this.y[i]);
    }
    if (this.n < 3 || (w >= h) === (x1 - x0 >= y1 - y0)) return false;
    for (i = 0; i < this.n; i++) { var t = this.x[i]; this.x[i] = -this.y[i]; this.y[i] = t; }
    return true;
  };
  /* Turn the drawing so its longest extent runs across the (landscape) stage. */
  Model.prototype.level = function () {
    var n = this.n, mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0, i;
    if (n < 3) return;
    for (i = 0; i < n; i++) { mx += this.x[i] / n; my += this.y[i] / n; }
    for (i = 0; i < n; i++) {
      var dx = this.x[i] - mx, dy = this.y[i] - my;
      sxx += dx * dx; syy += dy * dy; sxy += dx * dy;
    }
    var a = -0.5 * Math.atan2(2 * sxy, sxx - syy), c = Math.cos(a), s = Math.sin(a);
    for (i = 0; i < n; i++) {
      var x = this.x[i] - mx, y = this.y[i] - my;
      this.x[i] = x * c - y * s; this.y[i] = x * s + y * c;
    }
  };
  Model.prototype.link = function (flat) {
    for (var k = 0; k + 1 < flat.length; k += 2) {
      this.adj[flat[k]].push(flat[k + 1]);
      this.adj[flat[k + 1]].push(flat[k]);
    }
    this.edges = flat;
  };

  function globalModel(data) {
    var m = new Model(data.kinds, data.n.length);
    data.n.forEach(function (row, i) {
      m.x[i] = row[0]; m.y[i] = row[1]; m.size[i] = row[2]; m.kind[i] = row[3];
      m.title[i] = row[4]; m.url[i] = new URL(row[5], ROOT).href; m.tags[i] = row[6];
    });
    m.colourBy(data, function (i) { return data.n[i][7] || 0; });
    m.link(data.e);
    m.level();
    if (data.h) data.h.forEach(function (i) { m.hub[i] = 1; });
    else m.markHubs();
    m.tagNames = data.tags;
    return m;
  }

  function localModel(data, maxDepth) {
    var keep = [], map = {};
    data.n.forEach(function (row, i) { if (row[3] <= maxDepth) { map[i] = keep.length; keep.push(row); } });
    var m = new Model(data.kinds, keep.length);
    keep.forEach(function (row, i) {
      m.title[i] = row[0]; m.url[i] = new URL(row[1], location.href).href; m.kind[i] = row[2];
      m.depth[i] = row[3]; m.size[i] = row[4]; m.tags[i] = [];
    });
    m.colourBy(data, function (i) { return keep[i][5] || 0; });
    var flat = [];
    for (var k = 0; k + 1 < data.e.length; k += 2) {
      var a = map[data.e[k]], b = map[data.e[k + 1]];
      if (a !== undefined && b !== undefined) flat.push(a, b);
    }
    m.link(flat);
    placeLocal(m);
    m.level();
    m.markHubs();
    return m;
  }

  /* A small deterministic force layout for a neighbourhood (the page's note pinned at 0,0). */
  function placeLocal(m) {
    var n = m.n, i, j, step, ring1 = [], parent = new Int32Array(n).fill(-1);
    for (i = 1; i < n; i++) if (m.depth[i] === 1) ring1.push(i);
    ring1.forEach(function (v, k) {
      var a = 2 * Math.PI * k / ring1.length;
      m.x[v] = 90 * Math.cos(a); m.y[v] = 90 * Math.sin(a);
    });
    for (i = 1; i < n; i++) {
      if (m.depth[i] !== 2) continue;
      for (j = 0; j < m.adj[i].length; j++) if (m.depth[m.adj[i][j]] === 1) { parent[i] = m.adj[i][j]; break; }
      var p = parent[i] < 0 ? 0 : parent[i], a2 = Math.atan2(m.y[p], m.x[p]) + ((i * 0.618) % 1 - 0.5);
      m.x[i] = 190 * Math.cos(a2); m.y[i] = 190 * Math.sin(a2);
    }
    var ideal = n > 25 ? 60 : 85, temp = 30, dx = new Float64Array(n), dy = new Float64Array(n);
    for (step = 0; step < 160; step++) {
      dx.fill(0); dy.fill(0);
      for (i = 0; i < n; i++) {
        for (j = i + 1; j < n; j++) {
          var ex = m.x[i] - m.x[j], ey = m.y[i] - m.y[j], d2 = ex * ex + ey * ey + 0.01;
          var f = ideal * ideal / d2;
          dx[i] += ex * f; dy[i] += ey * f; dx[j] -= ex * f; dy[j] -= ey * f;
        }
      }
      for (var k = 0; k + 1 < m.edges.length; k += 2) {
        var a = m.edges[k], b = m.edges[k + 1];
        var gx = m.x[a] - m.x[b], gy = m.y[a] - m.y[b], g = Math.sqrt(gx * gx + gy * gy) / ideal;
        dx[a] -= gx * g; dy[a] -= gy * g; dx[b] += gx * g; dy[b] += gy * g;
      }
      var cool = temp * (1 - step / 160) + 0.5;
      for (i = 1; i < n; i++) {
        dx[i] -= m.x[i] * 0.02; dy[i] -= m.y[i] * 0.02;
        var len = Math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]);
        if (len > 0) { var s = Math.min(len, cool) / len; m.x[i] += dx[i] * s; m.y[i] += dy[i] * s; }
      }
    }
  }

  /* ---- view: a canvas with pan, zoom, hover, click and labels ---- */
  function View(host, model, opts) {
    var self = this;
    this.host = host; this.m = model; this.opts = opts;
    this.k = 1; this.tx = 0; this.ty = 0; this.hover = -1; this.selected = -1;
    this.stage = make("div", { "class": "lemma-graph-stage" }, host);
    this.canvas = make("canvas", { tabindex: "0", role: "img", "aria-label": opts.label +
      " Keys: arrows move, plus and minus zoom, n and p step through the notes, Enter opens the chosen one." }, this.stage);
    this.live = make("p", { "class": "lemma-sr", "aria-live": "polite" }, this.stage);
    this.ctx = this.canvas.getContext("2d", { alpha: false, desynchronized: true }); /* opaque: cheaper to composite */
    this.pointers = {};
    this.readColours();
    this.bind();
    this.resize();
    this.fit(false);
    if (window.ResizeObserver) {
      this.ro = new ResizeObserver(function () {
        var fresh = !self.w; /* first shown now (it was in a closed or hidden container) */
        self.resize();
        if (fresh && self.w) self.fit(false);
        self.draw();
      });
      this.ro.observe(this.stage);
    }
  }

  View.prototype.readColours = function () {
    var css = getComputedStyle(this.host), get = function (name, fallback) {
      return css.getPropertyValue(name).trim() || fallback;
    };
    var m = this.m;
    this.colours = m.byFolder ? m.groupClass.map(function (c, s) { return get("--lemma-g-c" + s, "#888"); })
      : m.kinds.map(function (k) { return get("--lemma-g-" + k, "#888"); });
    this.edge = get("--lemma-g-edge", "rgba(0,0,0,.12)");
    this.edgeHi = get("--lemma-g-edge-hi", "rgba(60,80,180,.7)");
    this.label = get("--lemma-g-label", "#222");
    this.halo = get("--lemma-g-halo", "#fff");
    this.ring = get("--lemma-g-ring", "#3f51b5");
    this.bg = get("--lemma-g-canvas", "#fafbfc");
  };

  View.prototype.resize = function () {
    var ratio = window.devicePixelRatio || 1, w = this.stage.clientWidth, h = this.stage.clientHeight;
    if (!w || !h) return;
    var cx = this.w ? (this.w / 2 - this.tx) / this.k : null, cy = this.h ? (this.h / 2 - this.ty) / this.k : null;
    this.w = w; this.h = h;
    this.canvas.width = Math.round(w * ratio); this.canvas.height = Math.round(h * ratio);
    this.canvas.style.width = w + "px"; this.canvas.style.height = h + "px";
    this.ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    if (cx !== null) { this.tx = w / 2 - cx * this.k; this.ty = h / 2 - cy * this.k; }
  };

  View.prototype.radius = function (i) {
    var r = (this.opts.local ? 4.5 : 2.6) + this.m.size[i] * (this.opts.local ? 0.6 : 0.85);
    if (this.opts.local && this.m.depth[i] === 0) r += 3;
    return Math.max(1.6, r * Math.pow(this.k, 0.4));
  };

  /* Fit the main component(s) in the stage (`all`: every note shown, for "Show everything"). */
  View.prototype.fit = function (animate, all) {
    var m = this.m, x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    var keep = this.opts.local || all ? m.shown : m.mainNodes();
    for (var i = 0; i < m.n; i++) {
      if (!keep[i]) continue;
      x0 = Math.min(x0, m.x[i]); x1 = Math.max(x1, m.x[i]); y0 = Math.min(y0, m.y[i]); y1 = Math.max(y1, m.y[i]);
    }
    if (x0 === Infinity) { x0 = y0 = -1; x1 = y1 = 1; }
    var pad = this.opts.local ? 48 : 28, w = this.w || 600, h = this.h || 400;
    if (this.w && !this.oriented) {
      this.oriented = true;
      if (m.orient(w, h, keep)) return this.fit(animate, all);
    }
    if (this.opts.local && this.w && !this.stretched && x1 > x0 && y1 > y0) {
      /* a neighbourhood may be widened to fill the stage: labels run sideways anyway */
      var wide = Math.min(1.6, Math.max(1, ((w - 2 * pad) / (h - 2 * pad)) / ((x1 - x0) / (y1 - y0))));
      for (i = 0; i < m.n; i++) m.x[i] *= wide;
      x0 *= wide; x1 *= wide; this.stretched = true;
    }
    var k = Math.min((w - 2 * pad) / Math.max(x1 - x0, 1), (h - 2 * pad) / Math.max(y1 - y0, 1));
    k = Math.min(k, this.opts.local ? 1.4 : 3);
    this.moveTo(k, w / 2 - k * (x0 + x1) / 2, h / 2 - k * (y0 + y1) / 2, animate);
  };

  View.prototype.moveTo = function (k, tx, ty, animate) {
    var self = this;
    if (!animate || reduced()) { this.k = k; this.tx = tx; this.ty = ty; this.draw(); return; }
    var from = [this.k, this.tx, this.ty], start = performance.now();
    cancelAnimationFrame(this.anim);
    (function frame(now) {
      var t = Math.min(1, (now - start) / 350), e = t < 0.5 ? 2 * t * t : 1 - Math.pow(-2 * t + 2, 2) / 2;
      self.k = from[0] + (k - from[0]) * e; self.tx = from[1] + (tx - from[1]) * e; self.ty = from[2] + (ty - from[2]) * e;
      self.paint();
      if (t < 1) self.anim = requestAnimationFrame(frame);
    })(start);
  };

  View.prototype.zoom = function (factor, sx, sy) {
    var k = Math.max(0.05, Math.min(12, this.k * factor));
    sx = sx == null ? this.w / 2 : sx; sy = sy == null ? this.h / 2 : sy;
    this.tx = sx - (sx - this.tx) * k / this.k; this.ty = sy - (sy - this.ty) * k / this.k; this.k = k;
    this.draw();
  };

  View.prototype.focusNode = function (i) {
    var k = Math.max(this.k, this.opts.local ? 1.2 : 2.2);
    this.select(i);
    this.moveTo(k, this.w / 2 - this.m.x[i] * k, this.h / 2 - this.m.y[i] * k, true);
  };

  View.prototype.select = function (i) {
    var m = this.m;
    this.selected = i;
    this.live.textContent = i < 0 ? "" : m.title[i] + ", " + ONE[m.kinds[m.kind[i]]] + ", " +
      m.adj[i].length + " linked notes. Enter opens it.";
    if (this.opts.onSelect) this.opts.onSelect(i);
    this.draw();
  };

  View.prototype.nodeAt = function (sx, sy) {
    var m = this.m, best = -1, bestD = Infinity;
    for (var i = 0; i < m.n; i++) {
      if (!m.shown[i]) continue;
      var dx = m.x[i] * this.k + this.tx - sx, dy = m.y[i] * this.k + this.ty - sy, d = dx * dx + dy * dy;
      var r = this.radius(i) + 4;
      if (d <= r * r && d < bestD) { best = i; bestD = d; }
    }
    return best;
  };

  /** Screen position of node i relative to the page (used by tests and the keyboard). */
  View.prototype.screenOf = function (i) {
    var box = this.canvas.getBoundingClientRect();
    return { x: box.left + this.m.x[i] * this.k + this.tx, y: box.top + this.m.y[i] * this.k + this.ty };
  };

  View.prototype.draw = function () {
    var self = this;
    if (this.pending) return;
    this.pending = requestAnimationFrame(function () { self.pending = 0; self.paint(); });
  };

  View.prototype.paint = function () {
    var ctx = this.ctx, m = this.m, k = this.k, tx = this.tx, ty = this.ty, i, a, b;
    if (!this.w) return;
    ctx.fillStyle = this.bg;
    ctx.fillRect(0, 0, this.w, this.h);
    var focus = this.hover >= 0 ? this.hover : this.selected, near = null;
    if (focus >= 0) { near = {}; near[focus] = 1; m.adj[focus].forEach(function (j) { near[j] = 1; }); }
    ctx.lineWidth = Math.max(0.5, Math.min(1.5, Math.sqrt(k)));
    ctx.strokeStyle = this.edge;
    ctx.globalAlpha = near ? 0.35 : 1;
    ctx.beginPath();
    for (i = 0; i + 1 < m.edges.length; i += 2) {
      a = m.edges[i]; b = m.edges[i + 1];
      if (!m.shown[a] || !m.shown[b]) continue;
      ctx.moveTo(m.x[a] * k + tx, m.y[a] * k + ty); ctx.lineTo(m.x[b] * k + tx, m.y[b] * k + ty);
    }
    ctx.stroke();
    ctx.globalAlpha = 1;
    if (near) {
      ctx.strokeStyle = this.edgeHi; ctx.lineWidth = Math.max(1, ctx.lineWidth * 1.4);
      ctx.beginPath();
      m.adj[focus].forEach(function (j) {
        if (!m.shown[j]) return;
        ctx.moveTo(m.x[focus] * k + tx, m.y[focus] * k + ty); ctx.lineTo(m.x[j] * k + tx, m.y[j] * k + ty);
      });
      ctx.stroke();
    }
    for (var c = 0; c < this.colours.length; c++) {
      for (var pass = 0; pass < 2; pass++) {
        var dim = pass === 0;
        if (!near && dim) continue;
        ctx.fillStyle = this.colours[c]; ctx.globalAlpha = dim ? 0.22 : 1;
        ctx.beginPath();
        for (i = 0; i < m.n; i++) {
          if (m.group[i] !== c || !m.shown[i] || !!(near && !near[i]) !== dim) continue;
          var x = m.x[i] * k + tx, y = m.y[i] * k + ty, r = this.radius(i);
          if (x < -r || y < -r || x > this.w + r || y > this.h + r) continue;
          ctx.moveTo(x + r, y); ctx.arc(x, y, r, 0, 2 * Math.PI);
        }
        ctx.fill();
      }
    }
    ctx.globalAlpha = 1;
    this.rings(focus);
    this.labels(near, focus);
  };

  View.prototype.rings = function (focus) {
    var ctx = this.ctx, m = this.m, self = this;
    [this.opts.local ? 0 : -1, this.selected, focus].forEach(function (i, n) {
      if (i < 0 || !m.shown[i]) return;
      ctx.strokeStyle = n === 0 ? self.label : self.ring; ctx.lineWidth = n === 0 ? 1.5 : 2.5;
      ctx.beginPath();
      ctx.arc(m.x[i] * self.k + self.tx, m.y[i] * self.k + self.ty, self.radius(i) + 3, 0, 2 * Math.PI);
      ctx.stroke();
    });
  };

  /* Labels never cover a node nor another label. The focused note and its neighbours come
     first, then the selected note and the hubs, then (zoomed in enough) the rest by size. A
     label that fits nowhere beside its node is shifted further out (with a leader line) if it
     matters, else left out; each sits on a halo so crossing links do not muddle it. */
  View.prototype.labels = function (near, focus) {
    var ctx = this.ctx, m = this.m, k = this.k, order = [], i, n;
    ctx.font = FONT; ctx.textBaseline = "middle";
    for (i = 0; i < m.n; i++) {
      if (!m.shown[i]) continue;
      var priority = i === focus || (this.opts.local && !m.depth[i]) ? 3 : i === this.selected ? 2.5
        : (near && near[i]) || (this.opts.local && !near && m.depth[i] === 1) ? 2 : m.hub[i] ? 1 : 0;
      var wanted = this.opts.local ? m.depth[i] <= 1 || k > 1.6 : k * (1 + m.size[i] * 0.35) > 2;
      if (priority || (wanted && (!near || this.opts.local))) order.push([priority, m.size[i], i]);
    }
    order.sort(function (p, q) { return q[0] - p[0] || q[1] - p[1] || p[2] - q[2]; });
    var nodes = new Grid(), placed = new Grid(), visible = 0;
    for (i = 0; i < m.n; i++) {
      if (!m.shown[i]) continue;
      var x = m.x[i] * k + this.tx, y = m.y[i] * k + this.ty, r = this.radius(i) + 1.5;
      if (x > -r && y > -r && x < this.w + r && y < this.h + r) { nodes.add([x - r, y - r, x + r, y + r, x, y, r]); visible++; }
    }
    this.labelled = []; this.labelBoxes = [];
    var zoom = this.stage.querySelector(".lemma-graph-zoom"); /* the zoom buttons cover the canvas */
    if (zoom && zoom.offsetWidth) {
      var zb = zoom.getBoundingClientRect(), sb = this.stage.getBoundingClientRect();
      placed.add([zb.left - sb.left - 4, zb.top - sb.top - 4, zb.right - sb.left + 4, zb.bottom - sb.top + 4]);
      placed.count = 0;
    }
    var most = Math.max(14, Math.min(42, Math.floor(this.w / 7.5)));
    for (n = 0; n < order.length && placed.count < 400; n++) {
      i = order[n][2];
      var pr = order[n][0], sx = m.x[i] * k + this.tx, sy = m.y[i] * k + this.ty;
      if (sx < -300 || sx > this.w + 20 || sy < -20 || sy > this.h + 20 || (!pr && visible > 4000)) continue;
      var text = m.title[i].length > most ? m.title[i].slice(0, most - 2) + "…" : m.title[i];
      ctx.font = pr >= 2.5 ? "600 " + FONT : FONT;
      var box = this.spot(i, ctx.measureText(text).width, placed, nodes, pr > 0);
      if (!box && pr > 0 && text.length > 16) { /* shortened, it may fit where the whole title does not */
        text = text.slice(0, 14).trim() + "…";
        box = this.spot(i, ctx.measureText(text).width, placed, nodes, true);
      }
      if (!box && pr >= 3) box = this.spot(i, ctx.measureText(text).width, placed, null, true); /* the note pointed at */
      if (!box) { ctx.font = FONT; continue; }
      placed.add(box);
      this.labelled.push(i);
      this.labelBoxes.push([i, box[0], box[1], box[2], box[3]]);
      this.label1(text, box, sx, sy, this.radius(i));
      ctx.font = FONT;
    }
  };

  /* One label: a leader line if it sits away from its node, the halo, the text. */
  View.prototype.label1 = function (text, box, x, y, r) {
    var ctx = this.ctx, bx = Math.max(box[0], Math.min(x, box[2])), by = Math.max(box[1], Math.min(y, box[3]));
    if (Math.hypot(bx - x, by - y) > r + 6) {
      ctx.strokeStyle = this.label; ctx.globalAlpha = 0.45; ctx.lineWidth = 1;
      ctx.beginPath(); ctx.moveTo(x + (bx - x) * r / Math.hypot(bx - x, by - y), y + (by - y) * r / Math.hypot(bx - x, by - y));
      ctx.lineTo(bx, by); ctx.stroke(); ctx.globalAlpha = 1;
    }
    ctx.fillStyle = this.halo;
    ctx.beginPath();
    if (ctx.roundRect) ctx.roundRect(box[0], box[1] + 1, box[2] - box[0], box[3] - box[1] - 2, 4);
    else ctx.rect(box[0], box[1] + 1, box[2] - box[0], box[3] - box[1] - 2);
    ctx.fill();
    ctx.fillStyle = this.label; ctx.fillText(text, box[0] + 2, box[1] + 8);
  };

  /* Where a label of width w fits, clear of the labels `placed` and the node discs `nodes`:
     beside its node (the side with more room first), below or above; when `far`, also further
     out in twelve directions, nearest first (a leader line then joins it to its node). */
  View.prototype.spot = function (i, w, placed, nodes, far) {
    var r = this.radius(i), x = this.m.x[i] * this.k + this.tx, y = this.m.y[i] * this.k + this.ty;
    var flip = x > this.w * 0.6, right = x + r + 3, left = x - r - w - 7, mid = x - w / 2 - 2;
    var tries = [[flip ? left : right, y - 8], [flip ? right : left, y - 8], [mid, y + r + 2], [mid, y - r - 18]];
    for (var d = 10; far && d <= 130; d += d < 40 ? 10 : 15) {
      for (var a = 0; a < 12; a++) {
        var c = Math.cos(a * Math.PI / 6), s = Math.sin(a * Math.PI / 6), px = x + (r + d) * c, py = y + (r + d) * s;
        tries.push([c > 0.3 ? px : c < -0.3 ? px - w - 4 : px - w / 2 - 2, s > 0.3 ? py : s < -0.3 ? py - 16 : py - 8]);
      }
    }
    for (var t = 0; t < tries.length; t++) {
      var b = [tries[t][0], tries[t][1], tries[t][0] + w + 4, tries[t][1] + 16];
      if (b[0] < 0 || b[2] > this.w || b[1] < 0 || b[3] > this.h) continue;
      if (!placed.hits(b) && !(nodes && nodes.hits(b))) return b;
    }
    return null;
  };

  /* Boxes (and node discs) bucketed in 64 px cells, so checking a label against them is cheap. */
  function Grid() { this.cells = {}; this.count = 0; }
  Grid.prototype.each = function (b, fn) {
    for (var gx = Math.floor(b[0] / 64); gx <= Math.floor(b[2] / 64); gx++) {
      for (var gy = Math.floor(b[1] / 64); gy <= Math.floor(b[3] / 64); gy++) if (fn(gx + ":" + gy)) return true;
    }
    return false;
  };
  Grid.prototype.add = function (b) {
    var cells = this.cells;
    this.count++;
    this.each(b, function (key) { (cells[key] || (cells[key] = [])).push(b); });
  };
  Grid.prototype.hits = function (b) {
    var cells = this.cells;
    return this.each(b, function (key) {
      return (cells[key] || []).some(function (p) {
        if (!(b[0] < p[2] && b[2] > p[0] && b[1] < p[3] && b[3] > p[1])) return false;
        if (p.length < 7) return true; /* a disc [x0, y0, x1, y1, x, y, r]: does it reach the box? */
        var dx = Math.max(b[0] - p[4], 0, p[4] - b[2]), dy = Math.max(b[1] - p[5], 0, p[5] - b[3]);
        return dx * dx + dy * dy < p[6] * p[6];
      });
    });
  };

  View.prototype.bind = function () {
    var self = this, c = this.canvas, moved = 0, last = null;
    function local(e) { var b = c.getBoundingClientRect(); return [e.clientX - b.left, e.clientY - b.top]; }
    c.addEventListener("pointerdown", function (e) {
      c.setPointerCapture(e.pointerId);
      self.pointers[e.pointerId] = local(e); moved = 0; last = null;
    });
    c.addEventListener("pointermove", function (e) {
      var p = local(e), prev = self.pointers[e.pointerId], ids = Object.keys(self.pointers);
      if (prev && ids.length === 1) {
        self.tx += p[0] - prev[0]; self.ty += p[1] - prev[1];
        moved += Math.abs(p[0] - prev[0]) + Math.abs(p[1] - prev[1]);
        self.pointers[e.pointerId] = p; self.draw();
      } else if (prev && ids.length === 2) {
        self.pointers[e.pointerId] = p;
        var a = self.pointers[ids[0]], b = self.pointers[ids[1]], d = Math.hypot(a[0] - b[0], a[1] - b[1]);
        if (last) self.zoom(d / last, (a[0] + b[0]) / 2, (a[1] + b[1]) / 2);
        last = d; moved += 10;
      } else {
        var i = self.nodeAt(p[0], p[1]);
        if (i !== self.hover) self.setHover(i);
      }
    });
    function release(e) {
      var wasDrag = moved > 5, p = local(e);
      delete self.pointers[e.pointerId];
      if (e.type === "pointerup" && !wasDrag) {
        var i = self.nodeAt(p[0], p[1]);
        if (i >= 0) location.assign(self.m.url[i]);
      }
    }
    c.addEventListener("pointerup", release);
    c.addEventListener("pointercancel", release);
    c.addEventListener("pointerleave", function () { if (!Object.keys(self.pointers).length) self.setHover(-1); });
    c.addEventListener("wheel", function (e) {
      if (self.opts.local && document.activeElement !== c && !e.ctrlKey) return;
      e.preventDefault();
      var p = local(e);
      self.zoom(Math.exp(-e.deltaY * (e.deltaMode ? 0.05 : 0.0015)), p[0], p[1]);
    }, { passive: false });
    c.addEventListener("keydown", function (e) { self.key(e); });
  };

  View.prototype.setHover = function (i) {
    this.hover = i;
    this.canvas.style.cursor = i >= 0 ? "pointer" : "grab";
    this.host.setAttribute("data-hover", i >= 0 ? this.m.title[i] : "");
    this.draw();
  };

  View.prototype.key = function (e) {
    var step = 60, done = true;
    if (e.key === "ArrowLeft") this.tx += step;
    else if (e.key === "ArrowRight") this.tx -= step;
    else if (e.key === "ArrowUp") this.ty += step;
    else if (e.key === "ArrowDown") this.ty -= step;
    else if (e.key === "+" || e.key === "=") return this.zoom(1.25), e.preventDefault();
    else if (e.key === "-" || e.key === "_") return this.zoom(0.8), e.preventDefault();
    else if (e.key === "0") return this.fit(true), e.preventDefault();
    else if (e.key === "Enter" && this.selected >= 0) location.assign(this.m.url[this.selected]);
    else if (e.key === "n" || e.key === "p") this.cycle(e.key === "n" ? 1 : -1);
    else if (e.key === "Escape") this.select(-1);
    else done = false;
    if (done) { e.preventDefault(); this.draw(); }
  };

  /* n / p walk the shown notes, most central first. */
  View.prototype.cycle = function (dir) {
    var m = this.m, list = [];
    for (var i = 0; i < m.n; i++) if (m.shown[i]) list.push(i);
    list.sort(function (a, b) { return m.size[b] - m.size[a] || a - b; });
    if (!list.length) return;
    var at = list.indexOf(this.selected);
    this.focusNode(list[at < 0 ? 0 : (at + dir + list.length) % list.length]);
  };

  View.prototype.destroy = function () { if (this.ro) this.ro.disconnect(); cancelAnimationFrame(this.anim); };

  /* ---- the global graph page: toolbar, filters, search, details panel ---- */
  function Global(host, data) {
    var m = globalModel(data), self = this;
    this.host = host; this.m = m;
    host.classList.add("lemma-graph-ready");
    var bar = make("div", { "class": "lemma-graph-bar" });
    host.insertBefore(bar, host.firstChild);
    this.search(bar);
    this.kinds(bar);
    this.tagFilter(bar);
    this.view = new View(host, m, {
      label: "Graph of all " + m.n + " notes. The search box and the list beside the graph give the same links as text.",
      onSelect: function (i) { self.details(i); },
    });
    var zoom = make("div", { "class": "lemma-graph-zoom", role: "group", "aria-label": "Zoom" }, this.view.stage);
    [["+", "Zoom in", 1.25], ["−", "Zoom out", 0.8], ["⤢", "Show everything", 0]].forEach(function (z) {
      make("button", { type: "button", title: z[1], "aria-label": z[1] }, zoom, z[0])
        .addEventListener("click", function () { if (z[2]) self.view.zoom(z[2]); else self.view.fit(true, true); });
    });
    this.panel = make("aside", { "class": "lemma-graph-panel", "aria-live": "polite" }, this.view.stage);
    this.panel.hidden = true;
    this.status = make("p", { "class": "lemma-graph-status", "aria-live": "polite" }, host);
    this.apply();
  }

  Global.prototype.search = function (bar) {
    var self = this, m = this.m, box = make("div", { "class": "lemma-graph-search" }, bar);
    var input = make("input", { type: "search", placeholder: "Find a note…", "aria-label": "Find a note in the graph",
      role: "combobox", "aria-expanded": "false", "aria-controls": "lemma-graph-hits", "aria-autocomplete": "list" }, box);
    var list = make("ul", { id: "lemma-graph-hits", role: "listbox", "class": "lemma-graph-hits" }, box);
    var hits = [], active = -1;
    list.hidden = true;
    function render() {
      list.textContent = "";
      hits.forEach(function (i, n) {
        var li = make("li", { role: "option", id: "lemma-hit-" + n, "aria-selected": String(n === active) }, list);
        make("span", { "class": "lemma-graph-dot", style: "background:" + self.view.colours[m.group[i]] }, li);
        li.appendChild(document.createTextNode(m.title[i]));
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
      });
      list.hidden = !hits.length;
      input.setAttribute("aria-expanded", String(!!hits.length));
      if (active >= 0) input.setAttribute("aria-activedescendant", "lemma-hit-" + active);
      else input.removeAttribute("aria-activedescendant");
    }
    function choose(i) {
      hits = []; active = -1; render();
      input.value = m.title[i];
      if (!m.shown[i]) { self.reset(); }
      self.view.focusNode(i);
    }
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase(), found = [];
      if (q) for (var i = 0; i < m.n && found.length < 8; i++) if (m.title[i].toLowerCase().indexOf(q) >= 0) found.push(i);
      hits = found; active = found.length ? 0 : -1; render();
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (!hits.length) return;
        active = (active + (e.key === "ArrowDown" ? 1 : hits.length - 1)) % hits.length; render(); e.preventDefault();
      } else if (e.key === "Enter" && active >= 0) { choose(hits[active]); e.preventDefault(); }
      else if (e.key === "Escape") { hits = []; active = -1; render(); }
    });
    input.addEventListener("blur", function () { hits = []; active = -1; render(); });
  };

  /* The filter chips, one per colour (kind or folder): they are the legend too. */
  Global.prototype.kinds = function (bar) {
    var self = this, m = this.m, counts = m.groupNames.map(function () { return 0; });
    for (var i = 0; i < m.n; i++) counts[m.group[i]]++;
    var set = make("fieldset", { "class": "lemma-graph-kinds" }, bar);
    make("legend", { "class": "lemma-sr" }, set, m.byFolder ? "Show folders" : "Show kinds");
    this.kindOn = m.groupNames.map(function () { return true; });
    this.kindBoxes = [];
    m.groupNames.forEach(function (name, c) {
      if (!counts[c]) return;
      var label = make("label", { "class": "lemma-graph-kind " + m.groupClass[c] }, set);
      var box = make("input", { type: "checkbox", value: name }, label);
      box.checked = true;
      make("span", { "class": "lemma-graph-dot", "aria-hidden": "true" }, label);
      var kind = m.kinds[c];
      label.appendChild(document.createTextNode((m.byFolder ? name : counts[c] === 1 ? ONE[kind] : LABELS[kind]) + " "));
      make("span", { "class": "lemma-graph-count" }, label, counts[c].toLocaleString("en"));
      box.addEventListener("change", function () { self.kindOn[c] = box.checked; self.apply(); });
      self.kindBoxes.push(box);
    });
  };

  Global.prototype.tagFilter = function (bar) {
    var self = this, tags = this.m.tagNames || [];
    this.tag = -1;
    if (!tags.length) return;
    var select = make("select", { "aria-label": "Show notes with a tag", "class": "lemma-graph-tag" }, bar);
    make("option", { value: "-1" }, select, "All tags");
    tags.forEach(function (t, i) { make("option", { value: String(i) }, select, "#" + t); });
    select.addEventListener("change", function () { self.tag = +select.value; self.apply(); });
    this.tagSelect = select;
  };

  Global.prototype.reset = function () {
    this.kindOn = this.kindOn.map(function () { return true; });
    this.kindBoxes.forEach(function (b) { b.checked = true; });
    this.tag = -1; if (this.tagSelect) this.tagSelect.value = "-1";
    this.apply();
  };

  Global.prototype.apply = function () {
    var m = this.m, shown = 0;
    for (var i = 0; i < m.n; i++) {
      m.shown[i] = this.kindOn[m.group[i]] && (this.tag < 0 || m.tags[i].indexOf(this.tag) >= 0) ? 1 : 0;
      shown += m.shown[i];
    }
    this.host.setAttribute("data-drawn", String(shown));
    this.status.textContent = shown === m.n ? "Showing all " + m.n.toLocaleString("en") + " notes."
      : "Showing " + shown.toLocaleString("en") + " of " + m.n.toLocaleString("en") + " notes.";
    if (this.view.selected >= 0 && !m.shown[this.view.selected]) this.view.select(-1);
    this.view.draw();
  };

  /* The text alternative of the selection: the note and its neighbours as links. */
  Global.prototype.details = function (i) {
    var m = this.m, panel = this.panel;
    panel.textContent = "";
    panel.hidden = i < 0;
    if (i < 0) return;
    make("p", { "class": "lemma-graph-kindname" }, panel, m.byFolder ? m.groupNames[m.group[i]] : ONE[m.kinds[m.kind[i]]]);
    var h = make("p", { "class": "lemma-graph-title" }, panel);
    make("a", { href: m.url[i] }, h, m.title[i]);
    var near = m.adj[i].slice().sort(function (a, b) { return m.size[b] - m.size[a] || a - b; });
    make("p", { "class": "lemma-graph-meta" }, panel, near.length + (near.length === 1 ? " linked note" : " linked notes"));
    var ul = make("ul", {}, panel);
    near.forEach(function (j) {
      var li = make("li", {}, ul);
      make("span", { "class": "lemma-graph-dot", style: "background:" + this.view.colours[m.group[j]], "aria-hidden": "true" }, li);
      make("a", { href: m.url[j] }, li, m.title[j]);
    }, this);
    var close = make("button", { type: "button", "class": "lemma-graph-close", "aria-label": "Close" }, panel, "×");
    var view = this.view;
    close.addEventListener("click", function () { view.select(-1); view.canvas.focus(); });
  };

  /* ---- a note's local graph, with the depth toggle ---- */
  function Local(host, data) {
    var self = this;
    this.host = host; this.data = data; this.depth = 1;
    var has2 = data.n.some(function (row) { return row[3] === 2; });
    var bar = make("div", { "class": "lemma-graph-bar" }, host);
    if (has2) {
      var button = make("button", { type: "button", "class": "lemma-graph-depth", "aria-pressed": "false" }, bar,
        "Show notes two links away");
      button.addEventListener("click", function () {
        self.depth = self.depth === 1 ? 2 : 1;
        button.setAttribute("aria-pressed", String(self.depth === 2));
        button.textContent = self.depth === 2 ? "Show direct links only" : "Show notes two links away";
        self.show();
      });
    }
    this.show();
    this.legend = legend(host, data);
  }

  /* The kinds (or folders) drawn, with their colours: the key to the local graph. */
  function legend(host, data) {
    var seen = {}, box = make("p", { "class": "lemma-graph-legend" }), byFolder = data.by === "folder";
    data.n.forEach(function (row) { seen[byFolder ? Math.min(row[5] || 0, FOLDERS) : row[2]] = 1; });
    Object.keys(seen).map(Number).sort(function (a, b) { return a - b; }).forEach(function (g) {
      var name = byFolder ? (g >= FOLDERS ? "Other folders" : data.f[g] || "Top level") : ONE[data.kinds[g]];
      var item = make("span", { "class": byFolder ? "lemma-graph-c" + g : "lemma-graph-kind-" + data.kinds[g] }, box);
      make("span", { "class": "lemma-graph-dot", "aria-hidden": "true" }, item);
      item.appendChild(document.createTextNode(name));
    });
    return host.appendChild(box);
  }

  Local.prototype.show = function () {
    var m = localModel(this.data, this.depth), old = this.view;
    if (old) { old.destroy(); old.stage.remove(); }
    this.view = new View(this.host, m, { local: true,
      label: "Graph of " + m.title[0] + " and the " + (m.n - 1) + " notes around it; the list below gives the same links." });
    if (this.legend) this.host.insertBefore(this.view.stage, this.legend);
    this.host.setAttribute("data-drawn", String(m.n));
    this.view.draw();
  };

  /* ---- start-up, on every (instant) page load ---- */
  function data(host) {
    return fetch(new URL(host.getAttribute("data-src"), ROOT).href)
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
  }

  function start() {
    /* instant navigation may keep the sidebar: a graph docked there by the last page goes */
    document.querySelectorAll(".lemma-local-side").forEach(function (panel) {
      if (!panel.lemmaSection || !document.body.contains(panel.lemmaSection)) {
        if (panel.lemmaUndock) panel.lemmaUndock(); else panel.remove();
      }
    });
    views = views.filter(function (v) {
      if (document.body.contains(v.host)) return true;
      if (v.view) v.view.destroy();
      return false;
    });
    document.querySelectorAll("[data-lemma-graph]").forEach(function (host) {
      if (host.getAttribute("data-started")) return;
      host.setAttribute("data-started", "1");
      if (host.getAttribute("data-lemma-graph") === "local") {
        var script = host.querySelector("script.lemma-graph-data");
        var local = new Local(host, JSON.parse(script.textContent));
        ready(host, local);
        dock(host);
      } else {
        data(host).then(function (d) { ready(host, new Global(host, d)); })
          .catch(function (err) {
            make("p", { "class": "lemma-graph-error" }, host, "The graph data could not be loaded (" + err.message + ").");
          });
      }
    });
  }
  /* On a wide screen the local graph sits beside the text, above the table of contents; it
     goes back under the text (next to its list of links) when the window narrows. */
  var WIDE = window.matchMedia ? matchMedia("(min-width: 60em)") : null; /* the theme shows its table of contents from 60em */
  function dock(host) {
    var section = host.closest(".lemma-local");
    var side = document.querySelector(".md-sidebar--secondary .md-sidebar__inner");
    if (!WIDE || !section || !side) return;
    var panel = make("div", { "class": "lemma-local-side", role: "region", "aria-label": "Neighbourhood graph" });
    make("p", { "class": "lemma-local-side-title" }, panel, "Neighbourhood");
    side.insertBefore(panel, side.firstChild);
    function place() {
      var wide = WIDE.matches && getComputedStyle(side.closest(".md-sidebar")).display !== "none" &&
        !side.closest("[hidden]");
      if (wide && host.parentNode !== panel) panel.appendChild(host);
      else if (!wide && host.parentNode === panel) section.insertBefore(host, section.querySelector(".lemma-graph-alt"));
      panel.hidden = !wide;
      section.classList.toggle("lemma-local-docked", wide);
      var view = host.lemmaGraph && host.lemmaGraph.view;
      if (view) { view.resize(); view.oriented = false; view.fit(false); }
    }
    place();
    WIDE.addEventListener("change", place);
    panel.lemmaUndock = function () { WIDE.removeEventListener("change", place); panel.remove(); };
    panel.lemmaSection = section;
  }

  function ready(host, graph) {
    views.push(graph);
    host.lemmaGraph = graph;
    graph.view.paint();
    host.setAttribute("data-ready", "1");
    if (performance.mark) performance.mark("lemma-graph-ready");
  }

  function recolour() {
    views.forEach(function (g) { g.view.readColours(); g.view.draw(); });
  }
  new MutationObserver(recolour).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  if (window.matchMedia) matchMedia("(prefers-color-scheme: dark)").addEventListener("change", recolour);

  start(); /* this script runs at the end of <body>: the graphs above it need not wait for
     DOMContentLoaded; instant navigation (document$) and a script in <head> start them later */
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(start);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
})();
