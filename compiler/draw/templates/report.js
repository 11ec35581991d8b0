// Linking graph, source and flags: picking a step marks its source lines and flags; picking a
// flag marks its line and step. The page reads fully without this script.
(function () {
  "use strict";

  function clear(section) {
    section.querySelectorAll(".active").forEach(function (element) {
      element.classList.remove("active");
    });
  }

  function centre(line) {
    var pane = line.closest(".source-pane");
    if (pane) {
      pane.scrollTop = line.offsetTop - pane.clientHeight / 2;
    }
  }

  function selectStep(section, number) {
    clear(section);
    var node = section.querySelector('.node[data-number="' + number + '"]');
    if (node) {
      node.classList.add("active");
    }
    var lines = section.querySelectorAll('.line[data-steps~="' + number + '"]');
    lines.forEach(function (line) { line.classList.add("active"); });
    if (lines.length) {
      centre(lines[0]);
    }
    section.querySelectorAll('tr.diagnostic[data-step-number="' + number + '"]').forEach(
      function (row) { row.classList.add("active"); }
    );
  }

  function selectFlag(section, row) {
    clear(section);
    row.classList.add("active");
    var line = row.dataset.line && section.querySelector("#" + section.id + "-L" + row.dataset.line);
    if (line) {
      line.classList.add("active");
      centre(line);
    }
    var step = row.dataset.stepNumber;
    var node = step && section.querySelector('.node[data-number="' + step + '"]');
    if (node) {
      node.classList.add("active");
    }
  }

  function handle(event) {
    var section = event.target.closest("section.runbook");
    if (!section) {
      return;
    }
    var node = event.target.closest(".node");
    var badge = event.target.closest(".step-badge");
    var mark = event.target.closest("mark.flag");
    var row = event.target.closest("tr.diagnostic");
    if (node || badge) {
      event.preventDefault();
      selectStep(section, (node || badge).dataset.number || badge.dataset.stepNumber);
    } else if (mark) {
      var first = mark.dataset.flags.split(" ")[0];
      var flagged = section.querySelector("#" + section.id + "-d" + first);
      if (flagged) {
        selectFlag(section, flagged);
        flagged.scrollIntoView({ block: "nearest" });
      }
    } else if (row && !event.target.closest("a")) {
      selectFlag(section, row);
    }
  }

  document.addEventListener("click", handle);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.closest && event.target.closest(".node")) {
      handle(event);
    }
  });

  [["only-blocked", "only-blocked"], ["only-unsigned", "only-unsigned"]].forEach(function (pair) {
    var box = document.getElementById(pair[0]);
    box.addEventListener("change", function () {
      document.body.classList.toggle(pair[1], box.checked);
    });
  });
})();
