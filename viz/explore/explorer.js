// The explorer: swaps the recorded run of the chosen settings into the contour panel and the
// curves (drawn in the next animation frame), plays the steps, and on a built-in surface runs
// the optimizers from a clicked start (VizOptimizers). window.viz is its script interface.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("viz-data").textContent);
  var settings = data.settings, names = settings.map(function (s) { return s.name; });
  var view = data.view, last = data.steps;
  var chosen = {}, start = null, clicked = null, step = last, playing = false, pending = false;
  var timing = {set: 0, draw: 0};
  settings.forEach(function (s) {
    chosen[s.name] = s.own !== null && s.values.indexOf(s.own) >= 0 ? s.own : s.values[0];
  });
  var FLAGS = {learning_rate: "--learning-rate", momentum: "--momentum", batch_size: "--batch-size", seed: "--seed"};

  // --- the runs on screen ---------------------------------------------------------------
  function cell() {  // the index of the chosen values' cell (row-major over the settings)
    var index = 0;
    settings.forEach(function (s) { index = index * s.values.length + s.values.indexOf(chosen[s.name]); });
    return index;
  }
  function shown() {  // per optimizer: {xy: [x0, y0, x1, y1, ...], loss: [...], steps: [...]}
    if (clicked) return clicked;
    return data.runs[cell()].map(function (run) { return data.paths[run]; });
  }
  function configs() { return data.runs[cell()].map(function (run) { return data.configs[run]; }); }
  function snap(setting, value) {  // the recorded value nearest to value (in log for rates)
    var s = settings[names.indexOf(setting)], best = s.values[0], distance = Infinity;
    var key = setting === "learning_rate" ? Math.log : function (v) { return v; };
    s.values.forEach(function (v) {
      var d = Math.abs(key(v) - key(Number(value)));
      if (d < distance) { distance = d; best = v; }
    });
    return best;
  }

  // --- drawing --------------------------------------------------------------------------
  var ratio = window.devicePixelRatio || 1;
  function canvas(id, width, height) {
    var c = document.getElementById(id);
    c.width = Math.round(width * ratio); c.height = Math.round(height * ratio);
    c.style.width = width + "px"; c.style.height = height + "px";
    var context = c.getContext("2d");
    context.scale(ratio, ratio);
    return {canvas: c, context: context, width: width, height: height};
  }
  var contour = canvas("contour", view.width, view.height);
  var curves = canvas("curves", 420, 260);
  var picture = new Image();
  picture.onload = function () { later(); };
  picture.src = view.image;
  function clamp(v) { return Math.max(-1e4, Math.min(1e4, v)); }  // far outside the canvas: drawn at its edge's side
  function px(x) { return clamp((x - view.x[0]) / (view.x[1] - view.x[0]) * view.width); }
  function py(y) { return clamp((1 - (y - view.y[0]) / (view.y[1] - view.y[0])) * view.height); }
  function upTo(path) {  // how many of the path's points are at or before the current step
    var steps = path.steps, n = 0;
    while (n < steps.length && steps[n] <= step) n++;
    return n;
  }
  function drawContour(runs) {
    var g = contour.context;
    g.clearRect(0, 0, contour.width, contour.height);
    if (picture.complete) g.drawImage(picture, 0, 0, contour.width, contour.height);
    for (var m = 0; m + 1 < view.marks.length; m += 2) star(g, px(view.marks[m]), py(view.marks[m + 1]));
    runs.forEach(function (path, o) {
      var look = data.looks[o], count = upTo(path), xy = path.xy, lastX = null, lastY = null;
      g.strokeStyle = look.color; g.lineWidth = 2.5;
      g.setLineDash(look.dash.map(function (d) { return d * 2.5; }));
      g.beginPath();
      for (var i = 0; i < count; i++) {
        var x = xy[2 * i], y = xy[2 * i + 1];
        if (x === null || y === null) break;
        if (i === 0) g.moveTo(px(x), py(y)); else g.lineTo(px(x), py(y));
        lastX = x; lastY = y;
      }
      g.stroke();
      g.setLineDash([]);
      if (lastX !== null) {
        g.fillStyle = look.color; g.strokeStyle = "#000"; g.lineWidth = 1.5;
        g.beginPath(); g.arc(px(lastX), py(lastY), 6, 0, 2 * Math.PI); g.fill(); g.stroke();
      }
    });
    g.strokeStyle = getComputedStyle(document.body).color; g.lineWidth = 2;
    runs.forEach(function (path) {  // the start(s)
      if (path.xy[0] === null) return;
      g.beginPath(); g.arc(px(path.xy[0]), py(path.xy[1]), 8, 0, 2 * Math.PI); g.stroke();
    });
  }
  function star(g, x, y) {
    g.fillStyle = "#fff"; g.strokeStyle = "#000"; g.lineWidth = 1;
    g.beginPath();
    for (var k = 0; k < 10; k++) {
      var r = k % 2 ? 4 : 10, a = -Math.PI / 2 + k * Math.PI / 5;
      g.lineTo(x + r * Math.cos(a), y + r * Math.sin(a));
    }
    g.closePath(); g.fill(); g.stroke();
  }
  function drawCurves(runs) {
    var g = curves.context, w = curves.width, h = curves.height, left = 64, bottom = 26, top = 8, right = 8;
    var low = Infinity, high = -Infinity, ink = getComputedStyle(document.body).color;
    runs.forEach(function (path) {
      path.loss.forEach(function (v) { if (v !== null && isFinite(v)) { low = Math.min(low, v); high = Math.max(high, v); } });
    });
    var log = low > 0 && high / low > 50;
    function f(v) { return log ? Math.log10(v) : v; }
    if (!isFinite(low)) { low = 0; high = 1; }
    if (f(high) - f(low) < 1e-12) { high = log ? low * 10 : low + 1; }
    function sx(s) { return left + s / Math.max(1, last) * (w - left - right); }
    function sy(v) { return top + (1 - (f(v) - f(low)) / (f(high) - f(low))) * (h - top - bottom); }
    g.clearRect(0, 0, w, h);
    g.strokeStyle = ink; g.fillStyle = ink; g.lineWidth = 1; g.font = "12px system-ui, sans-serif";
    g.strokeRect(left, top, w - left - right, h - top - bottom);
    g.textAlign = "right";
    [low, high].forEach(function (v) { g.fillText(Number(v.toPrecision(3)).toString(), left - 4, sy(v) + 4); });
    g.textAlign = "center";
    g.fillText("step " + step + " / " + last + (log ? "   (loss, log scale)" : "   (loss)"), left + (w - left) / 2, h - 6);
    runs.forEach(function (path, o) {
      var look = data.looks[o], count = upTo(path);
      g.strokeStyle = look.color; g.lineWidth = 2; g.setLineDash(look.dash.map(function (d) { return d * 2; }));
      g.beginPath();
      for (var i = 0; i < count; i++) {
        var v = path.loss[i];
        if (v === null) break;
        var x = sx(path.steps[i]), y = sy(v);
        if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
      }
      g.stroke();
    });
    g.setLineDash([]);
  }
  function draw() {
    var begun = performance.now();
    pending = false;
    var runs = shown();
    drawContour(runs);
    drawCurves(runs);
    scrubber.value = step;
    readout.textContent = "step " + step + " / " + last;
    markMap();
    command.textContent = takeaway();
    timing.draw = performance.now() - begun;
  }
  function later() {  // draw in the next animation frame (once, however often asked)
    if (!pending) { pending = true; requestAnimationFrame(draw); }
  }

  // --- sliders, map, controls -----------------------------------------------------------
  var sliders = document.getElementById("sliders"), inputs = {};
  settings.forEach(function (s) {
    var label = document.createElement("label"), input = document.createElement("input"), out = document.createElement("output");
    label.appendChild(document.createTextNode(s.name.replace("_", " ")));
    input.type = "range"; input.min = 0; input.max = s.values.length - 1; input.step = 1;
    input.setAttribute("aria-label", s.name.replace("_", " "));
    input.addEventListener("input", function () {
      var change = {}; change[s.name] = s.values[Number(input.value)]; set(change);
    });
    label.appendChild(input); label.appendChild(out); sliders.appendChild(label);
    inputs[s.name] = {input: input, output: out};
  });
  var map = document.getElementById("map"), mapCells = [];
  var finals = data.paths.map(function (path) {
    for (var i = path.loss.length - 1; i >= 0; i--) if (path.loss[i] !== null) return path.loss[i];
    return null;
  });
  var good = finals.filter(function (v) { return v !== null && v > 0; });
  var lowest = Math.log(Math.min.apply(null, good.concat([1]))), highest = Math.log(Math.max.apply(null, good.concat([1])));
  function shade(v) {  // darker for lower final loss
    if (v === null) return "#888";
    var t = v > 0 && highest > lowest ? (Math.log(v) - lowest) / (highest - lowest) : 0.5;
    return "hsl(215, 60%, " + Math.round(18 + 62 * t) + "%)";
  }
  function buildMap() {
    var across = settings[0], down = settings[1];
    data.labels.forEach(function (label, o) {
      var block = document.createElement("div"), table = document.createElement("table");
      block.className = "block";
      block.appendChild(document.createTextNode(label));
      (down ? down.values : [null]).forEach(function (dv) {
        var row = document.createElement("tr");
        across.values.forEach(function (av) {
          var td = document.createElement("td"), at = {};
          at[across.name] = av;
          if (down) at[down.name] = dv;
          td.addEventListener("mouseenter", function () { set(at); });
          td.addEventListener("click", function () { set(at); });
          row.appendChild(td);
          mapCells.push({td: td, o: o, at: at});
        });
        table.appendChild(row);
      });
      block.appendChild(table);
      map.appendChild(block);
    });
    var axes = document.createElement("p"), ends = function (s) { return s.values[0] + " \u2026 " + s.values[s.values.length - 1]; };
    axes.className = "note";
    axes.textContent = "across: " + across.name.replace("_", " ") + " " + ends(across) +
      (down ? "; down: " + down.name.replace("_", " ") + " " + ends(down) : "") +
      (settings.length > 2 ? "; the others at the sliders' values" : "");
    map.parentNode.insertBefore(axes, map.nextSibling);
  }
  function markMap() {  // each cell: its run's final loss at the other settings' current values
    mapCells.forEach(function (c) {
      var saved = {}, k;
      for (k in c.at) { saved[k] = chosen[k]; chosen[k] = c.at[k]; }
      var run = data.runs[cell()][c.o], path = data.paths[run], now = true;
      for (k in c.at) { if (saved[k] !== c.at[k]) now = false; chosen[k] = saved[k]; }
      var drawn = run + (now && !clicked ? "now" : "");
      if (c.drawn === drawn) return;  // touch only the cells that change: a swap moves the mark of two
      c.drawn = drawn;
      c.td.style.background = shade(finals[run]);
      c.td.className = (path.diverged !== null ? "diverged " : "") + (path.left ? "left " : "") + (now && !clicked ? "now" : "");
      c.td.title = data.labels[c.o] + " " + describe(c.at) + ": final loss " +
        (path.diverged !== null ? "diverged at step " + path.diverged : finals[run] === null ? "-" : finals[run].toPrecision(4)) +
        (path.left ? " (left the view)" : "");
    });
  }
  function describe(values) {
    return Object.keys(values).map(function (k) { return k.replace("_", " ") + " " + values[k]; }).join(", ");
  }
  var scrubber = document.getElementById("scrubber"), readout = document.getElementById("readout");
  var command = document.getElementById("command");
  scrubber.max = last;
  function seek(to) { pause(); step = Math.max(0, Math.min(last, Math.round(to))); remember(); later(); }
  function play() {
    if (playing) return;
    if (step >= last) step = 0;
    playing = true;
    document.getElementById("play").innerHTML = "&#10073;&#10073;";
    var stride = Math.max(1, Math.round(last / 240));
    (function tick() {
      if (!playing) return;
      step = Math.min(last, step + stride);
      draw();
      if (step >= last) pause(); else requestAnimationFrame(tick);
    })();
  }
  function pause() {
    playing = false;
    document.getElementById("play").innerHTML = "&#9654;";
    remember();
  }
  document.getElementById("play").addEventListener("click", function () { playing ? pause() : play(); });
  document.getElementById("first").addEventListener("click", function () { seek(0); });
  document.getElementById("last").addEventListener("click", function () { seek(last); });
  document.getElementById("back").addEventListener("click", function () { seek(step - 1); });
  document.getElementById("forward").addEventListener("click", function () { seek(step + 1); });
  scrubber.addEventListener("input", function () { seek(Number(scrubber.value)); });
  document.addEventListener("keydown", function (event) {
    if (event.target.tagName === "INPUT") return;
    var keys = {" ": function () { playing ? pause() : play(); }, ArrowLeft: function () { seek(step - 1); },
                ArrowRight: function () { seek(step + 1); }, Home: function () { seek(0); }, End: function () { seek(last); }};
    if (keys[event.key]) { event.preventDefault(); keys[event.key](); }
  });

  // --- click to start (built-in surfaces) -----------------------------------------------
  function startAt(x, y) {
    if (!data.surface) throw new Error("click to start works on viz's built-in surfaces; this scene's runs are recorded ones");
    start = [Number(x), Number(y)];
    clicked = VizOptimizers.run(data.surface, configs(), start, last);
    remember();
    later();
    return paths();
  }
  contour.canvas.addEventListener("click", function (event) {
    if (!data.surface) return;
    var box = contour.canvas.getBoundingClientRect();
    var x = view.x[0] + (event.clientX - box.left) / box.width * (view.x[1] - view.x[0]);
    var y = view.y[1] - (event.clientY - box.top) / box.height * (view.y[1] - view.y[0]);
    startAt(Number(x.toPrecision(4)), Number(y.toPrecision(4)));
  });

  // --- state: set, the URL fragment, the command --------------------------------------
  function set(values) {
    var begun = performance.now(), given = {};
    Object.keys(values || {}).forEach(function (k) {
      if (names.indexOf(k) < 0) throw new Error("unknown setting " + k + "; the page varies " + names.join(", "));
      chosen[k] = given[k] = snap(k, values[k]);
    });
    names.forEach(function (k) {
      inputs[k].input.value = settings[names.indexOf(k)].values.indexOf(chosen[k]);
      inputs[k].output.textContent = String(chosen[k]);
    });
    if (start) clicked = VizOptimizers.run(data.surface, configs(), start, last);
    remember();
    later();
    timing.set = performance.now() - begun;
    return given;
  }
  function remember() {
    var parts = names.map(function (k) { return k + "=" + chosen[k]; });
    parts.push("step=" + step);
    if (start) parts.push("start=" + start.join(","));
    try { history.replaceState(null, "", "#" + parts.join("&")); } catch (error) { /* a sandboxed frame */ }
  }
  function restore() {
    var values = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var pair = part.split("="), k = decodeURIComponent(pair[0]), v = decodeURIComponent(pair[1] || "");
      if (names.indexOf(k) >= 0 && v !== "" && isFinite(Number(v))) values[k] = Number(v);
      if (k === "step" && isFinite(Number(v)) && v !== "") step = Math.max(0, Math.min(last, Math.round(Number(v))));
      if (k === "start" && data.surface) {
        var xy = v.split(",").map(Number);
        if (xy.length === 2 && isFinite(xy[0]) && isFinite(xy[1])) start = xy;
      }
    });
    set(values);
    if (start) startAt(start[0], start[1]);
  }
  function quoted(text) { return "'" + String(text).replace(/'/g, "'\\''") + "'"; }
  function takeaway() {  // the viz render command and Python call for what is on screen
    var flags = [], keywords = [];
    names.forEach(function (k) {
      flags.push(FLAGS[k] + " " + chosen[k]);
      keywords.push(k + "=" + chosen[k]);
    });
    if (start) { flags.push("--start " + start.join(",")); keywords.push("start=(" + start.join(", ") + ")"); }
    var file = data.file;
    var shell = "viz render " + (file ? quoted(file) : "SCENE.py") + (data.scene && file ? " --scene " + data.scene : "") +
      " " + flags.join(" ");
    var python = "viz.render(" + (file ? JSON.stringify(file) + (data.scene ? ", scene=" + JSON.stringify(data.scene) : "")
                                       : "scene") + ", " + keywords.join(", ") + ")";
    return shell + "\n" + python;
  }

  // --- the script interface ---------------------------------------------------------------
  function paths() {
    return shown().map(function (path) {
      var points = [];
      for (var i = 0; 2 * i < path.xy.length; i++) points.push([path.xy[2 * i], path.xy[2 * i + 1]]);
      return points;
    });
  }
  window.viz = {
    settings: function () { var copy = {}; names.forEach(function (k) { copy[k] = chosen[k]; }); return copy; },
    set: set,
    paths: paths,
    losses: function () { return shown().map(function (path) { return path.loss.slice(); }); },
    startAt: startAt,
    clear: function () { start = clicked = null; remember(); later(); },
    step: function (to) { if (to !== undefined) seek(to); return step; },
    play: play, pause: pause,
    command: takeaway,
    timing: function () { return {set: timing.set, draw: timing.draw}; },
    drawn: function () { return !pending; }
  };

  document.getElementById("title").textContent = data.title;
  var legend = document.getElementById("legend");
  data.optimizers.forEach(function (label, o) {  // each optimizer once, however many starts
    if (data.optimizers.indexOf(label) !== o) return;
    var span = document.createElement("span"), key = document.createElement("i");
    key.style.background = data.looks[o].color;
    span.appendChild(key); span.appendChild(document.createTextNode(label)); legend.appendChild(span);
  });
  document.getElementById("view-note").textContent = view.axes.join(" \u00d7 ") +
    (view.stretched ? " (stretched: the axes have different scales)" : "");
  buildMap();
  restore();
})();
