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

  function setup() {
    document.querySelectorAll("[data-course-quiz]").forEach(setupQuiz);
    document.querySelectorAll("[data-course-explorer]").forEach(setupExplorer);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
