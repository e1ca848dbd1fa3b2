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
    document.querySelectorAll("[data-course-explorer]").forEach(setupExplorer);
    setupDeckNav();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
