// Behaviour forms ask for in data attributes, since the Content Security Policy runs no inline
// script: data-confirm asks before a button submits, data-select-all ticks a column of boxes.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("input[data-select-all]")) {
      return;
    }
    document.querySelectorAll("input[name='" + box.dataset.selectAll + "']").forEach(function (other) {
      other.checked = box.checked;
    });
  });
})();
