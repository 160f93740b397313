// Follows the background jobs of a page (report builds, synthesis runs) that are still running,
// until they finish; then shows the page again with their outcome.
(function () {
  "use strict";
  document.querySelectorAll("[data-status-url]").forEach(function (job) {
    var status = job.getAttribute("data-status");
    if (status !== "queued" && status !== "running") return;
    var bar = job.querySelector("progress");
    var message = job.querySelector(".job-message");
    var timer = setInterval(function () {
      fetch(job.getAttribute("data-status-url"), { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          bar.value = data.progress;
          bar.textContent = data.progress + "%";
          message.textContent = data.message;
          if (data.status === "done" || data.status === "failed") {
            clearInterval(timer);
            window.location.reload();
          }
        });
    }, 1000);
  });
})();
