/* Convolution Zoo: the convolution-arithmetic explorer.
 *
 * Plain JavaScript and SVG, no dependencies, no network: works from file:// and http://.
 * Mounts into every <div class="convzoo-explorer" data-mode="conv|transpose"></div> of the
 * page (optional starting values: data-n, data-k, data-s, data-p, data-d, data-op).
 * How a page embeds it: README.md next to this file.
 *
 * The numbers follow convzoo.arithmetic (chapter 2) and torch's argument checks:
 *   conv:       o = floor((n + 2p - d(k-1) - 1) / s) + 1
 *   transposed: o = (n-1)s - 2p + d(k-1) + output_padding + 1
 * tests/test_explorer.py compares what this draws and prints with convzoo and torch.
 */
(function () {
  "use strict";

  var SVGNS = "http://www.w3.org/2000/svg";
  var MINUS = "\u2212", DOT = "\u00b7", TIMES = "\u00d7", LFLOOR = "\u230a", RFLOOR = "\u230b";
  var DRAW_LIMIT = 80;          // largest grid side (in cells) the picture draws
  var instances = 0;

  // key, label, symbol, slider range, default value per mode, torch's complaint when too small
  var PARAMS = [
    {key: "n", label: "input size", sym: "n", min: 1, max: 16, conv: 7, transpose: 3,
     low: "input size must be at least 1", torch: "Only zero batch or zero channel inputs are supported"},
    {key: "k", label: "kernel size", sym: "k", min: 1, max: 7, conv: 3, transpose: 3,
     low: "kernel size must be at least 1", torch: "kernel size should be greater than zero"},
    {key: "s", label: "stride", sym: "s", min: 1, max: 5, conv: 2, transpose: 2,
     low: "stride must be at least 1", torch: "non-positive stride is not supported"},
    {key: "p", label: "padding", sym: "p", min: 0, max: 6, conv: 1, transpose: 1,
     low: "padding must be at least 0", torch: "negative padding is not supported"},
    {key: "d", label: "dilation", sym: "d", min: 1, max: 4, conv: 1, transpose: 1,
     low: "dilation must be at least 1", torch: "dilation should be greater than zero"},
    {key: "op", label: "output_padding", sym: "", min: 0, max: 4, transpose: 1, only: "transpose",
     low: "output_padding must be at least 0", torch: "negative output_padding is not supported"}
  ];

  function paramsFor(mode) {
    return PARAMS.filter(function (p) { return !p.only || p.only === mode; });
  }

  function num(x) { return x < 0 ? MINUS + (-x) : String(x); }

  // ---------------------------------------------------------------------------------------
  // The arithmetic: what torch accepts, the output size, the formula, the torch call.

  /** analyse("conv" | "transpose", {n: "7", k: "3", ...}) -> everything the page shows. */
  function analyse(mode, raw) {
    var params = paramsFor(mode), v = {}, problems = [], whole = true;
    params.forEach(function (p) {
      var text = String(raw[p.key] === undefined ? "" : raw[p.key]).trim();
      if (!/^[-+]?\d+$/.test(text)) {
        whole = false;
        problems.push(p.label + " must be a whole number, got " +
                      (text === "" ? "nothing" : "\u201c" + text + "\u201d"));
      } else {
        v[p.key] = parseInt(text, 10);
      }
    });
    var result = {mode: mode, values: whole ? v : null, ok: false, size: null, problems: problems,
                  formula: null, formulaValue: null, call: null};
    if (!whole) return result;

    params.forEach(function (p) {
      if (v[p.key] < p.min) problems.push(p.low + ", got " + num(v[p.key]) +
                                          " (torch: \u201c" + p.torch + "\u201d)");
    });
    var rangeOk = problems.length === 0, size = null;
    if (mode === "conv") {
      result.symbols = "o = " + LFLOOR + "(n + 2p " + MINUS + " d(k " + MINUS + " 1) " + MINUS +
                       " 1) / s" + RFLOOR + " + 1";
      if (rangeOk) {
        var numer = v.n + 2 * v.p - v.d * (v.k - 1) - 1, fl = Math.floor(numer / v.s);
        size = fl + 1;
        result.formula = LFLOOR + "(" + v.n + " + 2" + DOT + v.p + " " + MINUS + " " + v.d + DOT +
          "(" + v.k + " " + MINUS + " 1) " + MINUS + " 1) / " + v.s + RFLOOR + " + 1 = " +
          LFLOOR + num(numer) + " / " + v.s + RFLOOR + " + 1 = " + num(fl) + " + 1 = " + num(size);
        if (size < 1) {
          var span = v.d * (v.k - 1) + 1;
          problems.push("the kernel spans d(k " + MINUS + " 1) + 1 = " + span + " cells, more than " +
            "the padded input n + 2p = " + (v.n + 2 * v.p) + ", so the output would be empty " +
            "(torch: \u201cKernel size can't be greater than actual input size\u201d)");
        }
      }
    } else {
      result.symbols = "o = (n " + MINUS + " 1)" + DOT + "s " + MINUS + " 2p + d(k " + MINUS +
                       " 1) + output_padding + 1";
      if (rangeOk) {
        var a = (v.n - 1) * v.s, b = 2 * v.p, c = v.d * (v.k - 1);
        size = a - b + c + v.op + 1;
        result.formula = "(" + v.n + " " + MINUS + " 1)" + DOT + v.s + " " + MINUS + " 2" + DOT + v.p +
          " + " + v.d + DOT + "(" + v.k + " " + MINUS + " 1) + " + v.op + " + 1 = " +
          a + " " + MINUS + " " + b + " + " + c + " + " + v.op + " + 1 = " + num(size);
        if (v.op >= v.s && v.op >= v.d) {
          problems.push("output_padding = " + v.op + " must be smaller than the stride (" + v.s +
            ") or the dilation (" + v.d + ") (torch: \u201coutput padding must be smaller than " +
            "either stride or dilation\u201d)");
        }
        if (size < 1) {
          problems.push("padding p = " + v.p + " crops away the whole output: " + num(size) +
            " is less than 1 (torch: \u201cOutput size is too small\u201d" +
            (size === 0 ? "; for some shapes torch's oneDNN CPU path returns an empty " +
                          "0 " + TIMES + " 0 tensor instead" : "") + ")");
          result.emptyOnSomePaths = size === 0 && problems.length === 1;
        }
      }
    }
    result.formulaValue = size;
    result.ok = problems.length === 0;
    result.size = result.ok ? size : null;
    result.call = torchCall(mode, v, result);
    return result;
  }

  function torchCall(mode, v, result) {
    var args = "stride=" + v.s + ", padding=" + v.p +
               (mode === "transpose" ? ", output_padding=" + v.op : "") + ", dilation=" + v.d;
    var fn = mode === "conv" ? "conv2d" : "conv_transpose2d";
    var wNote = mode === "conv" ? "# (C_out, C_in, kH, kW)" : "# (C_in, C_out, kH, kW): transposed layout";
    var shown = result.ok ? "# torch.Size([1, 1, " + result.size + ", " + result.size + "])"
      : result.emptyOnSomePaths ? "# torch raises RuntimeError (or gives torch.Size([1, 1, 0, 0]))"
      : "# torch raises RuntimeError";
    return "import torch\n" +
      "x = torch.randn(1, 1, " + v.n + ", " + v.n + ")  # (N, C_in, H, W)\n" +
      "w = torch.randn(1, 1, " + v.k + ", " + v.k + ")  " + wNote + "\n" +
      "y = torch.nn.functional." + fn + "(x, w, " + args + ")\n" +
      "print(y.shape)  " + shown;
  }

  // ---------------------------------------------------------------------------------------
  // The picture along one axis (the grid is square: rows and columns share it).
  //   len:     cells drawn along the axis
  //   cat[t]:  "in" (an input value), "pad" (padding zero), "zero" (zero inserted between
  //            inputs), "op" (zero added by output_padding), "crop" (cut off by padding)
  //   index[t]: the input index of an "in" cell, else -1
  //   reads(i): the cells output i multiplies with the kernel taps 0..k-1

  function convAxis(v, o) {
    var len = v.n + 2 * v.p, cat = [], index = [];
    for (var t = 0; t < len; t++) {
      var inside = t >= v.p && t < v.p + v.n;
      cat.push(inside ? "in" : "pad");
      index.push(inside ? t - v.p : -1);
    }
    return {len: len, cat: cat, index: index, reads: function (i) {
      var r = [];
      for (var u = 0; u < v.k; u++) r.push(i * v.s + u * v.d);
      return r;
    }};
  }

  // Zero-insertion view: s-1 zeros between inputs, q = d(k-1) - p zeros before the first
  // and q + output_padding after the last (a crop where negative), then a stride-1 conv.
  function transposeAxis(v, o) {
    var q = v.d * (v.k - 1) - v.p, end = o - 1 + v.d * (v.k - 1);
    var first = q, last = q + (v.n - 1) * v.s;
    var gmin = Math.min(0, first), gmax = Math.max(end, last);
    var cat = [], index = [];
    for (var g = gmin; g <= gmax; g++) {
      var isInput = g >= first && g <= last && (g - first) % v.s === 0, c;
      if (g < 0 || g > end) c = "crop";
      else if (isInput) c = "in";
      else if (g > first && g < last) c = "zero";
      else if (g < first || g - last <= q) c = "pad";
      else c = "op";
      cat.push(c);
      index.push(isInput ? (g - first) / v.s : -1);
    }
    return {len: gmax - gmin + 1, cat: cat, index: index, reads: function (i) {
      var r = [];
      for (var u = 0; u < v.k; u++) r.push(i + u * v.d - gmin);
      return r;
    }};
  }

  function kindOf(rc, cc) {
    if (rc === "crop" || cc === "crop") return "crop";
    if (rc === "in" && cc === "in") return "input";
    if (rc === "op" || cc === "op") return "outpad";
    if (rc === "pad" || cc === "pad") return "padding";
    return "zero";
  }

  // ---------------------------------------------------------------------------------------
  // DOM helpers

  function el(tag, attrs, parent, text) {
    var e = document.createElement(tag);
    for (var a in attrs) if (attrs[a] !== null && attrs[a] !== undefined) e.setAttribute(a, attrs[a]);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  function svg(name, attrs, parent, text) {
    var e = document.createElementNS(SVGNS, name);
    for (var a in attrs) if (attrs[a] !== null && attrs[a] !== undefined) e.setAttribute(a, attrs[a]);
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  function escape(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
                       .replace(/"/g, "&quot;");
  }

  /** SVG markup for one element: tag("rect", {x: 1}) -> '<rect x="1"/>'. */
  function tag(name, attrs, text) {
    var parts = ["<" + name];
    for (var a in attrs) {
      if (attrs[a] !== null && attrs[a] !== undefined) parts.push(" " + a + '="' + escape(attrs[a]) + '"');
    }
    return parts.join("") + (text === undefined ? "/>" : ">" + escape(text) + "</" + name + ">");
  }

  function list(xs) {
    // 1, 2, 3, 4 -> 1-4 ; 1, 3, 5 (dilation) stays a list
    var run = xs.length > 2;
    for (var i = 1; run && i < xs.length; i++) run = xs[i] - xs[i - 1] === 1;
    return run ? xs[0] + "\u2013" + xs[xs.length - 1] : xs.join(", ");
  }

  // ---------------------------------------------------------------------------------------
  // One explorer

  function mount(root) {
    if (root.getAttribute("data-cz-mounted")) return root.convzooExplorer;
    root.setAttribute("data-cz-mounted", "1");
    var mode = root.getAttribute("data-mode") === "transpose" ? "transpose" : "conv";
    var id = "czx" + (++instances);
    var params = paramsFor(mode);
    var raw = {}, inputs = {}, sliders = {};
    var state = {result: null, o: 0, sel: [0, 0], cells: null, outCells: null, rows: null,
                 cols: null, win: null};

    root.classList.add("cz-root", "cz-mode-" + mode);
    root.innerHTML = "";

    // controls
    var fieldset = el("fieldset", {"class": "cz-fieldset"}, root);
    el("legend", {}, fieldset, (mode === "conv" ? "conv2d" : "conv_transpose2d") +
       ": square input and kernel (one number for height and width)");
    var controls = el("div", {"class": "cz-controls"}, fieldset);
    params.forEach(function (p) {
      var start = root.getAttribute("data-" + p.key);
      raw[p.key] = start !== null ? start : String(p[mode]);
      var row = el("div", {"class": "cz-control"}, controls);
      var numId = id + "-" + p.key;
      var label = el("label", {"for": numId}, row);
      el("span", {"class": "cz-label-name"}, label, p.label);
      if (p.sym) el("var", {}, label, " " + p.sym);
      sliders[p.key] = el("input", {type: "range", min: p.min, max: p.max, step: 1,
        value: raw[p.key], "data-param": p.key, "aria-label": p.label + " (slider)",
        tabindex: "-1"}, row);
      inputs[p.key] = el("input", {type: "number", id: numId, step: 1, value: raw[p.key],
        "data-param": p.key, inputmode: "numeric", "class": "cz-number"}, row);
      inputs[p.key].addEventListener("input", function () {
        raw[p.key] = inputs[p.key].value;
        if (/^\s*[-+]?\d+\s*$/.test(raw[p.key])) sliders[p.key].value = raw[p.key];
        redraw();
      });
      sliders[p.key].addEventListener("input", function () {
        raw[p.key] = sliders[p.key].value;
        inputs[p.key].value = raw[p.key];
        redraw();
      });
    });

    // picture, legend, stepping through the outputs
    var view = el("p", {"class": "cz-view"}, root, mode === "conv"
      ? "Direct view: the kernel (dilated by d) slides over the zero-padded input in steps of s; " +
        "each output cell is the sum of the kernel taps times the cells they cover."
      : "Zero-insertion view: a transposed convolution is an ordinary stride-1 convolution " +
        "(same dilation d, kernel flipped) over the input with s \u2212 1 zeros inserted between " +
        "neighbouring cells, d(k \u2212 1) \u2212 p zeros of padding on every side (a crop where " +
        "that is negative) and output_padding more zeros at the bottom and right.");
    var figure = el("div", {"class": "cz-figure"}, root);
    var picture = svg("svg", {"class": "cz-svg", role: "group", tabindex: "0",
      "aria-label": "Input and output grids. Arrow keys choose the output cell."}, figure);
    var figureNote = el("p", {"class": "cz-figure-note", hidden: ""}, figure);
    var message = el("div", {"class": "cz-message", role: "alert", hidden: ""}, root);
    var legend = el("ul", {"class": "cz-legend", "aria-label": "legend"}, root);
    var items = [["input", "input value"], ["padding", "padding (zero)"]];
    if (mode === "transpose") items.push(["zero", "zero inserted between inputs"],
                                         ["outpad", "zero added by output_padding"],
                                         ["crop", "cropped by padding"]);
    items.push(["read", "read by the chosen output"], ["readzero", "read, but a zero"],
               ["unread", "read by no output"], ["output", "output"], ["selected", "chosen output"]);
    items.forEach(function (it) {
      var li = el("li", {"class": "cz-legend-" + it[0], "data-legend": it[0]}, legend);
      el("span", {"class": "cz-swatch", "aria-hidden": "true"}, li);
      el("span", {}, li, it[1]);
    });
    var stepper = el("div", {"class": "cz-step"}, root);
    var prev = el("button", {type: "button", "class": "cz-prev"}, stepper, "\u25c0 previous output");
    var next = el("button", {type: "button", "class": "cz-next"}, stepper, "next output \u25b6");
    var selection = el("p", {"class": "cz-selection", "aria-live": "polite"}, stepper);

    // the numbers
    var results = el("div", {"class": "cz-results", "aria-live": "polite"}, root);
    var sizeLine = el("p", {"class": "cz-size-line"}, results);
    el("span", {}, sizeLine, "Output size: ");
    var sizeEl = el("strong", {"class": "cz-output-size"}, sizeLine);
    var formulaBox = el("p", {"class": "cz-formula"}, results);
    var symbolsEl = el("span", {"class": "cz-formula-symbols"}, formulaBox);
    el("br", {}, formulaBox);
    var numbersEl = el("span", {"class": "cz-formula-numbers"}, formulaBox);
    var callCaption = el("p", {"class": "cz-call-caption"}, results);
    var callEl = el("code", {"class": "cz-torch-call"}, el("pre", {"class": "cz-torch"}, results));

    function redraw() {
      var r = analyse(mode, raw);
      state.result = r;
      root.setAttribute("data-valid", r.ok ? "true" : "false");
      root.setAttribute("data-output-size", r.ok ? String(r.size) : "");
      symbolsEl.textContent = r.symbols || "";
      numbersEl.textContent = r.formula ? "= " + r.formula : "";
      formulaBox.hidden = !r.symbols;
      sizeEl.textContent = r.ok ? r.size + " " + TIMES + " " + r.size : "none";
      callEl.textContent = r.call || "";
      callEl.parentNode.hidden = !r.call;
      callCaption.textContent = r.ok
        ? "The torch call that gives this output:" : "The torch call, which torch refuses:";
      callCaption.hidden = !r.call;
      if (r.ok) {
        message.hidden = true;
        message.textContent = "";
      } else {
        message.hidden = false;
        message.textContent = "No output: " + r.problems.join("; ") + ".";
      }
      draw(r);
    }

    function clear() {
      picture.innerHTML = "";
      state.cells = state.outCells = state.readCells = null;
      state.o = 0;
    }

    function draw(r) {
      clear();
      root.removeAttribute("data-selected");
      var ok = r.ok, v = r.values;
      stepper.hidden = legend.hidden = !ok;
      if (!ok) {
        picture.style.display = "none";
        figureNote.hidden = true;
        selection.textContent = "";
        return;
      }
      var o = r.size;
      var ax = mode === "conv" ? convAxis(v, o) : transposeAxis(v, o);
      if (ax.len > DRAW_LIMIT || o > DRAW_LIMIT) {
        picture.style.display = "none";
        figureNote.hidden = false;
        figureNote.textContent = "The grid is too large to draw (" + ax.len + " cells a side; " +
          "the picture stops at " + DRAW_LIMIT + "). The numbers below still hold.";
        stepper.hidden = legend.hidden = true;
        selection.textContent = "";
        return;
      }
      picture.style.display = "";
      figureNote.hidden = true;
      state.o = o;

      // which cells some output reads (the rest is thrown away by the floor, or skipped
      // by the dilation)
      var covered = [];
      for (var t = 0; t < ax.len; t++) covered.push(false);
      for (var i = 0; i < o; i++) ax.reads(i).forEach(function (t) { covered[t] = true; });

      var A = ax.len, B = o;
      var cell = Math.max(8, Math.min(34, Math.floor(600 / (A + B + 3))));
      var gap = Math.max(56, 2 * cell), labels = cell >= 15;
      var font = Math.max(9, Math.min(13, Math.round(cell * 0.45)));
      var left = labels ? 22 : 8, top = labels ? 58 : 40;
      var inX = left, inY = top;
      // room for the titles above small grids
      var outX = inX + Math.max(A * cell + gap, 200), outY = inY + Math.max(0, (A - B) * cell / 2);
      var width = outX + Math.max(B * cell, 190) + 8, height = top + Math.max(A, B) * cell + 8;
      picture.setAttribute("viewBox", "0 0 " + width + " " + height);
      picture.setAttribute("width", width);
      picture.setAttribute("height", height);
      picture.style.setProperty("--cz-font", font + "px");

      // The picture is written as one string of markup: much quicker than an element at a
      // time when a slider is dragged over large grids.
      var n = v.n, out = [], marks = [];
      var sub = mode === "conv" ? (v.p ? "padded to " + A + TIMES + A : "no padding")
                                : "zeros inserted, padded: " + A + TIMES + A;
      out.push(tag("text", {x: inX, y: 13, "class": "cz-title"}, "input " + n + TIMES + n),
               tag("text", {x: inX, y: 28, "class": "cz-subtitle"}, sub),
               tag("text", {x: outX, y: 13, "class": "cz-title"}, "output " + o + TIMES + o),
               tag("text", {x: outX, y: 28, "class": "cz-subtitle"},
                   mode === "conv" ? "one cell per kernel position" : "stride-1 conv of the left grid"));

      var kindsSeen = {};
      out.push('<g class="cz-input-grid">');
      for (var rr = 0; rr < A; rr++) {
        for (var cc = 0; cc < A; cc++) {
          var kind = kindOf(ax.cat[rr], ax.cat[cc]);
          var isInput = ax.index[rr] >= 0 && ax.index[cc] >= 0;
          kindsSeen[kind] = true;
          var cls = "cz-cell cz-k-" + kind + (kind === "crop" && isInput ? " cz-crop-input" : "") +
                    (kind !== "crop" && !(covered[rr] && covered[cc]) ? " cz-unread" : "");
          out.push(tag("rect", {x: inX + cc * cell, y: inY + rr * cell, width: cell, height: cell,
            "class": cls, "data-kind": kind, "data-t": rr + "," + cc,
            "data-r": isInput ? ax.index[rr] : null, "data-c": isInput ? ax.index[cc] : null}));
          if (labels && kind === "zero" && cell >= 18) {
            marks.push(tag("text", {x: inX + (cc + 0.5) * cell, y: inY + (rr + 0.5) * cell,
                                    "class": "cz-zero-mark"}, "0"));
          }
        }
      }
      out.push("</g>", '<g class="cz-zero-marks">', marks.join(""), "</g>");
      if (labels) {
        for (var k2 = 0; k2 < A; k2++) {
          if (ax.index[k2] < 0) continue;
          out.push(tag("text", {x: inX + (k2 + 0.5) * cell, y: inY - 6, "class": "cz-index"}, ax.index[k2]),
                   tag("text", {x: inX - 5, y: inY + (k2 + 0.5) * cell, "class": "cz-index cz-index-row"},
                       ax.index[k2]));
        }
        for (var j2 = 0; j2 < B; j2++) {
          out.push(tag("text", {x: outX + (j2 + 0.5) * cell, y: outY - 6, "class": "cz-index"}, j2));
        }
      }
      out.push(tag("rect", {"class": "cz-window", x: 0, y: 0, width: 0, height: 0}));

      // arrow
      var midY = inY + A * cell / 2, ax0 = inX + A * cell + 10, ax1 = outX - 12;
      out.push(tag("path", {d: "M" + ax0 + " " + midY + " H" + ax1, "class": "cz-arrow"}),
               tag("path", {d: "M" + (ax1 - 7) + " " + (midY - 5) + " L" + (ax1 + 1) + " " + midY +
                               " L" + (ax1 - 7) + " " + (midY + 5) + " Z", "class": "cz-arrow-head"}),
               tag("text", {x: (ax0 + ax1) / 2, y: midY - 8, "class": "cz-arrow-label"},
                   mode === "conv" ? "s = " + v.s : "stride 1"));

      out.push('<g class="cz-output-grid">');
      for (var oi = 0; oi < o; oi++) {
        for (var oj = 0; oj < o; oj++) {
          out.push(tag("rect", {x: outX + oj * cell, y: outY + oi * cell, width: cell, height: cell,
            "class": "cz-cell cz-out", "data-i": oi, "data-j": oj}));
        }
      }
      out.push("</g>");
      picture.innerHTML = out.join("");

      // the legend lists what this picture has
      var present = {read: true, output: true, selected: true};
      present.readzero = present.unread = false;
      for (var key in kindsSeen) present[key] = true;
      for (var t2 = 0; t2 < A; t2++) {
        if (!covered[t2] && ax.cat[t2] !== "crop") present.unread = true;
      }
      Array.prototype.forEach.call(legend.children, function (li) {
        var name = li.getAttribute("data-legend");
        li.hidden = name === "readzero"
          ? !(present.padding || present.zero || present.outpad) : !present[name];
      });

      var inRects = picture.querySelector(".cz-input-grid").children;
      var outRects = picture.querySelector(".cz-output-grid").children;
      state.cells = [];
      for (var r2 = 0; r2 < A; r2++) state.cells.push(Array.prototype.slice.call(inRects, r2 * A, (r2 + 1) * A));
      state.outCells = [];
      for (var o2 = 0; o2 < o; o2++) state.outCells.push(Array.prototype.slice.call(outRects, o2 * o, (o2 + 1) * o));
      state.win = picture.querySelector(".cz-window");
      state.ax = ax;
      state.geom = {inX: inX, inY: inY, cell: cell};
      select(Math.min(state.sel[0], o - 1), Math.min(state.sel[1], o - 1));
    }

    function select(i, j) {
      if (!state.outCells) return;
      var o = state.o, ax = state.ax, g = state.geom, v = state.result.values;
      i = Math.max(0, Math.min(o - 1, i));
      j = Math.max(0, Math.min(o - 1, j));
      var old = state.sel;
      if (state.outCells[old[0]] && state.outCells[old[0]][old[1]]) {
        state.outCells[old[0]][old[1]].classList.remove("cz-selected");
      }
      (state.readCells || []).forEach(function (c) { c.classList.remove("cz-read"); });
      state.sel = [i, j];
      state.outCells[i][j].classList.add("cz-selected");
      root.setAttribute("data-selected", i + "," + j);
      var rows = ax.reads(i), cols = ax.reads(j), read = [], values = 0;
      rows.forEach(function (r) {
        cols.forEach(function (c) {
          var cellEl = state.cells[r][c];
          cellEl.classList.add("cz-read");
          read.push(cellEl);
          if (cellEl.getAttribute("data-kind") === "input") values++;
        });
      });
      state.readCells = read;
      var r0 = rows[0], c0 = cols[0], span = rows[rows.length - 1] - r0 + 1;
      var w = state.win;
      w.setAttribute("x", g.inX + c0 * g.cell);
      w.setAttribute("y", g.inY + r0 * g.cell);
      w.setAttribute("width", span * g.cell);
      w.setAttribute("height", span * g.cell);
      var inRows = rows.map(function (r) { return ax.index[r]; }).filter(function (x) { return x >= 0; });
      var inCols = cols.map(function (c) { return ax.index[c]; }).filter(function (x) { return x >= 0; });
      var taps = v.k * v.k;
      selection.textContent = "Output (" + i + ", " + j + ") multiplies " + taps + " kernel tap" +
        (taps === 1 ? "" : "s") + (mode === "transpose" ? " (kernel flipped)" : "") + " with " +
        values + " input value" + (values === 1 ? "" : "s") +
        (values ? " (rows " + list(inRows) + " " + TIMES + " columns " + list(inCols) + ")" : "") +
        " and " + (taps - values) + " zero" + (taps - values === 1 ? "" : "s") + ".";
    }

    function step(delta) {
      if (!state.o) return;
      var o = state.o, flat = (state.sel[0] * o + state.sel[1] + delta + o * o) % (o * o);
      select(Math.floor(flat / o), flat % o);
    }

    function pick(event) {
      var t = event.target;
      if (t && t.getAttribute && t.getAttribute("data-i") !== null) {
        select(parseInt(t.getAttribute("data-i"), 10), parseInt(t.getAttribute("data-j"), 10));
      }
    }
    picture.addEventListener("mouseover", pick);
    picture.addEventListener("click", pick);
    picture.addEventListener("keydown", function (event) {
      var moves = {ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0]};
      var m = moves[event.key];
      if (m) {
        select(state.sel[0] + m[0], state.sel[1] + m[1]);
        event.preventDefault();
      } else if (event.key === "Home") {
        select(0, 0);
        event.preventDefault();
      } else if (event.key === "End") {
        select(state.o - 1, state.o - 1);
        event.preventDefault();
      }
    });
    prev.addEventListener("click", function () { step(-1); });
    next.addEventListener("click", function () { step(1); });

    redraw();
    var api = {root: root, mode: mode, redraw: redraw, select: select, step: step,
               state: function () { return state.result; }};
    root.convzooExplorer = api;
    return api;
  }

  function mountAll(scope) {
    var found = (scope || document).querySelectorAll(".convzoo-explorer");
    return Array.prototype.map.call(found, mount);
  }

  window.ConvZooExplorer = {mount: mount, mountAll: mountAll, analyse: analyse};
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { mountAll(); });
  } else {
    mountAll();
  }
})();
