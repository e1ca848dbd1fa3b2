/* The course's quizzes and explorers on a page with no kernel.
 *
 * Quizzes and explorers are built by the notebooks' helpers (helpers/quiz.py,
 * helpers/widgets.py) as plain HTML plus a JSON block of everything they can
 * show: every choice's feedback, every combination's result, already escaped
 * by the helpers. This script only picks which one to show. No network, no
 * other library. */
(function () {
  "use strict";

  function data(root, cls) {
    var node = root.querySelector("script." + cls);
    return node ? JSON.parse(node.textContent) : null;
  }

  function setupQuiz(root) {
    var bank = data(root, "course-quiz-data");
    if (!bank) return;
    var questions = root.querySelectorAll(".course-quiz-question");
    var score = root.querySelector(".course-quiz-score");
    var results = {};
    function updateScore() {
      var answered = Object.keys(results).length, right = 0;
      Object.keys(results).forEach(function (k) { if (results[k]) right += 1; });
      score.textContent = "Score: " + right + " of " + questions.length + " right (" +
        answered + " answered)";
    }
    if (root.closest(".reveal") && questions.length > 1) {
      pageThrough(root, questions);
    }
    questions.forEach(function (question, index) {
      var button = question.querySelector(".course-quiz-check");
      var feedback = question.querySelector(".course-quiz-feedback");
      button.addEventListener("click", function () {
        var picked = question.querySelector("input[type=radio]:checked");
        feedback.classList.remove("course-right", "course-wrong");
        if (!picked) {
          feedback.textContent = "Choose an answer first.";
          return;
        }
        var choice = Number(picked.value);
        var ok = bank.right[index][choice];
        feedback.innerHTML = bank.feedback[index][choice];
        feedback.classList.add(ok ? "course-right" : "course-wrong");
        results[index] = ok;
        updateScore();
      });
    });
  }

  /* On a slide, one question at a time, with buttons to move between them, so the
     quiz fits the screen at a size the back of the room can read. */
  function pageThrough(root, questions) {
    var current = 0;
    var bar = document.createElement("p");
    bar.className = "course-quiz-pager";
    var back = document.createElement("button");
    var next = document.createElement("button");
    var where = document.createElement("span");
    back.type = next.type = "button";
    back.textContent = "← Previous question";
    next.textContent = "Next question →";
    bar.appendChild(back); bar.appendChild(where); bar.appendChild(next);
    root.insertBefore(bar, root.querySelector(".course-quiz-score"));
    function show(index) {
      current = Math.max(0, Math.min(questions.length - 1, index));
      questions.forEach(function (q, i) { q.hidden = i !== current; });
      where.textContent = " Question " + (current + 1) + " of " + questions.length + " ";
      back.disabled = current === 0;
      next.disabled = current === questions.length - 1;
    }
    back.addEventListener("click", function () { show(current - 1); });
    next.addEventListener("click", function () { show(current + 1); });
    show(0);
  }

  function setupExplorer(root) {
    var table = data(root, "course-explorer-data");
    if (!table) return;
    var selects = root.querySelectorAll("select[data-control]");
    var output = root.querySelector(".course-explorer-output");
    function refresh() {
      var flat = 0;
      selects.forEach(function (select, i) {
        flat = flat * table.sizes[i] + Number(select.value);
      });
      output.innerHTML = table.outputs[table.keys[flat]];
    }
    selects.forEach(function (select) { select.addEventListener("change", refresh); });
  }

  /* An explorer with a page view (helpers/widgets.py, PageView): the page keeps the
     items each control keeps, as the helpers listed them, and draws them. Texts come
     from the payload (one per selection, computed in Python) or its templates, filled
     with the labels of the choice; nothing is computed here. */
  var SVG = "http://www.w3.org/2000/svg";

  function svg(parent, tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    parent.appendChild(node);
    return node;
  }

  function fill(template, labels) {
    return (template || "").replace(/\{(\w+)\}/g, function (all, name) {
      return name in labels ? labels[name] : all;
    });
  }

  function setupPageExplorer(root, spec) {
    var output = root.querySelector(".course-explorer-output");
    var selects = root.querySelectorAll("select[data-control]");
    var draw = RENDERERS[spec.kind];
    if (!draw) return;
    function choice() {
      var picked = spec.controls.map(function (c) { return c.range ? [0, 0] : 0; });
      selects.forEach(function (select) {
        var i = Number(select.getAttribute("data-control"));
        if (spec.controls[i].range) {
          picked[i][Number(select.getAttribute("data-end"))] = Number(select.value);
        } else {
          picked[i] = Number(select.value);
        }
      });
      return picked;
    }
    function selection(picked) {
      if (spec.combine === "any") {
        var chosen = [];
        spec.filters.forEach(function (f, c) { chosen = chosen.concat(f.options[picked[c]]); });
        return chosen;
      }
      var keep = [];
      for (var item = 0; item < spec.size; item += 1) {
        var ok = spec.filters.every(function (f, c) {
          if (f.keys) return f.keys[item] >= picked[c][0] && f.keys[item] <= picked[c][1];
          var kept = f.options[picked[c]];
          return kept === null || kept.indexOf(item) >= 0;
        });
        if (ok) keep.push(item);
      }
      return keep;
    }
    function refresh(event) {
      var changed = event && event.target;
      if (changed && changed.hasAttribute("data-end")) {  // a range runs forwards, as a slider
        var c = changed.getAttribute("data-control");
        var ends = root.querySelectorAll('select[data-control="' + c + '"]');
        if (Number(ends[0].value) > Number(ends[1].value)) {
          ends[changed === ends[0] ? 1 : 0].value = changed.value;
        }
      }
      var picked = choice();
      var labels = {};
      spec.controls.forEach(function (c, i) {
        labels[c.name] = c.range ? c.options[picked[i][0]] + "\u2013" + c.options[picked[i][1]]
          : c.options[picked[i]];
      });
      var chosen = selection(picked);
      var texts = spec.texts[chosen.join(",")] || {};
      var filled = {};
      Object.keys(spec.templates).forEach(function (k) { filled[k] = fill(spec.templates[k], labels); });
      draw(output, spec, {picked: picked, items: chosen, texts: texts, templates: filled});
      root.setAttribute("data-shown", chosen.join(","));
    }
    selects.forEach(function (select) { select.addEventListener("change", refresh); });
    refresh();
  }

  function emptyNote(output, text) {
    var note = output.querySelector(".course-explorer-empty");
    if (!note) {
      note = document.createElement("p");
      note.className = "course-explorer-empty";
      output.insertBefore(note, output.firstChild);
    }
    note.textContent = text || "";
    note.hidden = !text;
  }

  var RENDERERS = {
    /* A filtered table: every row is in the page; the rows not kept are hidden. */
    table: function (output, spec, state) {
      var keep = {};
      state.items.forEach(function (i) { keep[i] = true; });
      output.querySelectorAll("tr[data-item]").forEach(function (row) {
        row.hidden = !keep[row.getAttribute("data-item")];
      });
      var table = output.querySelector("table");
      if (table) table.hidden = state.items.length === 0;
      emptyNote(output, state.items.length ? "" : state.templates.empty);
    },

    /* The timeline: one marker per event kept, on an axis over the years chosen, one
       lane per category (lanes, legend and alt text from Python for this selection). */
    timeline: function (output, spec, state) {
      var d = spec.data, years = spec.controls[1].options, span = state.picked[1];
      var slide = !!output.closest(".reveal");
      output.textContent = "";
      if (!state.items.length) { emptyNote(output, state.templates.empty); return; }
      var title;
      if (!slide) {
        title = document.createElement("p");
        title.className = "course-figure-title";
        title.textContent = state.templates.title;
        output.appendChild(title);
      }
      // Units of the drawing. On a page: text at 24 in a drawing 1300 wide. On a slide
      // (1280x800, shown at 1280x720) the drawing is as wide as the explorer's box, so a
      // unit is about a slide pixel: text at 24 shows at 20 px, the title is drawn in
      // the figure, and the lanes share a fixed height, so the figure keeps its size
      // (at least 60% of the slide's height) whatever the choice.
      var lanes = state.texts.lanes, F = 24;
      var W = slide ? 1180 : 1300, left = slide ? 250 : 240, right = W - (slide ? 330 : 310);
      var top = slide ? 70 : 44;
      var laneHeight = slide ? Math.min(60, 320 / lanes.length) : 36;
      var bottom = top + laneHeight * lanes.length, H = bottom + (slide ? 114 : 84);
      var from = Number(years[span[0]]), to = Number(years[span[1]]) + 1;
      var x = function (t) { return left + (t - from) / (to - from) * (right - left); };
      var y = function (lane) {  // as matplotlib: the first lane at the bottom
        return top + laneHeight * (lanes.length - lanes.indexOf(lane) - 0.5);
      };
      var figure = svg(output, "svg", {viewBox: "0 0 " + W + " " + H, role: "img",
        "aria-label": state.texts.alt, "class": "course-explorer-figure"});
      svg(figure, "title", {}, state.texts.alt);
      if (slide) {
        svg(figure, "text", {x: 0, y: 26, "font-size": 28, "font-weight": "bold",
          "class": "course-figure-title"}, state.templates.title);
      }
      lanes.forEach(function (lane) {
        svg(figure, "line", {x1: left, x2: right, y1: y(lane), y2: y(lane), stroke: "#dddddd"});
        svg(figure, "text", {x: left - 10, y: y(lane) + 8, "text-anchor": "end", "font-size": F}, lane);
      });
      svg(figure, "line", {x1: left, x2: right, y1: bottom, y2: bottom, stroke: "#000"});
      svg(figure, "line", {x1: left, x2: left, y1: top - 10, y2: bottom, stroke: "#000"});
      var step = d.steps[span[1] - span[0]];
      for (var year = from; year <= to; year += 1) {
        if (year % step) continue;
        svg(figure, "line", {x1: x(year), x2: x(year), y1: bottom, y2: bottom + 6, stroke: "#000"});
        svg(figure, "text", {x: x(year), y: bottom + 32, "text-anchor": "middle", "font-size": F}, year);
      }
      svg(figure, "text", {x: (left + right) / 2, y: bottom + 70, "text-anchor": "middle",
        "font-size": F}, d.xlabel);
      svg(figure, "text", {x: 24, y: (top + bottom) / 2, "text-anchor": "middle", "font-size": F,
        transform: "rotate(-90 24 " + (top + bottom) / 2 + ")"}, d.ylabel);
      if (d.mark[1] >= from && d.mark[1] < to) {
        svg(figure, "line", {x1: x(d.mark[0]), x2: x(d.mark[0]), y1: top - 10, y2: bottom,
          stroke: "#000", "stroke-width": 2, "stroke-dasharray": "6 4"});
        svg(figure, "text", {x: x(d.mark[0]), y: top - 16, "text-anchor": "middle", "font-size": F,
          "font-weight": "bold"}, d.mark_label);
      }
      state.items.forEach(function (i) {
        var e = d.events[i];
        var dot = svg(figure, "circle", {cx: x(e[0]), cy: y(e[1]), r: 10, "data-item": i,
          fill: e[3] ? e[2] : "#ffffff", stroke: e[3] ? "#333333" : e[2], "stroke-width": e[3] ? 1 : 3});
        svg(dot, "title", {}, e[4]);
      });
      var entries = state.texts.legend.concat([[d.hollow, null]]);
      entries.forEach(function (entry, n) {
        var ly = top + 4 + n * 32;
        svg(figure, "circle", {cx: right + 34, cy: ly, r: 10, fill: entry[1] || "#ffffff",
          stroke: entry[1] || "#444444", "stroke-width": entry[1] ? 1 : 3});
        svg(figure, "text", {x: right + 52, y: ly + 8, "font-size": F}, entry[0]);
      });
      if (slide) {  // the source line in the figure too, so the figure is all that is drawn
        svg(figure, "text", {x: 0, y: H - 8, "font-size": 22, fill: "#444444",
          "class": "course-figure-source"}, d.source);
        return;
      }
      var source = document.createElement("p");
      source.className = "course-figure-source";
      source.textContent = d.source;
      output.appendChild(source);
    },

    /* Two places picked on a base map: the map Python chose for the pair (SVG drawn for
       a slide, in points), a dashed line between the two places (positions from Python),
       their dots and names, and the pair's title in place of the placeholder one. */
    pair: function (output, spec, state) {
      var d = spec.data, map = d.maps[state.texts.map], sizes = d.sizes;
      output.textContent = "";
      var holder = document.createElement("div");
      holder.className = "course-slide-figure course-explorer-figure";
      holder.innerHTML = map.svg;
      output.appendChild(holder);
      var figure = holder.querySelector("svg");
      figure.setAttribute("role", "img");
      figure.setAttribute("aria-label", state.texts.alt);
      figure.setAttribute("data-map", map.name);
      figure.querySelectorAll("text").forEach(function (text) {
        if (text.textContent !== d.placeholder) return;
        text.textContent = state.texts.title;
        text.setAttribute("class", "course-figure-title");
      });
      var at = state.items.map(function (i) { return d.points[i][state.texts.map]; });
      svg(figure, "line", {x1: at[0][0], y1: at[0][1], x2: at[1][0], y2: at[1][1],
        stroke: d.colour, "stroke-width": sizes.line, "stroke-dasharray": "7 3"});
      state.items.forEach(function (i, n) {
        svg(figure, "circle", {cx: at[n][0], cy: at[n][1], r: sizes.dot, fill: d.colour,
          stroke: "#ffffff", "data-item": i});
        var off = d.offsets[i];
        svg(figure, "text", {x: at[n][0] + off[0], y: at[n][1] - off[1], "font-size": sizes.label,
          "font-family": "DejaVu Sans", stroke: "#ffffff", "stroke-width": 3,
          "paint-order": "stroke", "font-weight": "bold",
          "text-anchor": off[0] >= 0 ? "start" : "end"}, d.names[i]);
      });
    }
  };

  /* A deck shows previous / home / next on its first and last slides only, where it
     covers no content; on a page the links are at the top and bottom. */
  function setupDeckNav() {
    var nav = document.querySelector(".course-deck-nav");
    if (!nav || typeof Reveal === "undefined") return;
    function toggle() { nav.hidden = !(Reveal.isFirstSlide() || Reveal.isLastSlide()); }
    Reveal.on("ready", toggle);
    Reveal.on("slidechanged", toggle);
    if (Reveal.isReady()) toggle();
  }

  function setup() {
    document.querySelectorAll("[data-course-quiz]").forEach(setupQuiz);
    document.querySelectorAll("[data-course-explorer]").forEach(function (root) {
      var spec = data(root, "course-explorer-page");
      if (spec) setupPageExplorer(root, spec); else setupExplorer(root);
    });
    setupDeckNav();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
