// The results page follows the votes: it asks every few seconds whether a newer analysis is done
// and reloads itself when one is; the count of votes cast so far updates in between.
(function () {
  "use strict";
  var page = document.querySelector("[data-results-status]");
  if (!page) { return; }
  var shown = page.getAttribute("data-analysis") || "";
  var votes = document.getElementById("votes-so-far");
  function ask() {
    fetch(page.getAttribute("data-results-status"), {credentials: "same-origin", cache: "no-store"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        if (votes) { votes.textContent = data.votes; }
        if (data.analysis !== null && String(data.analysis) !== shown) { window.location.reload(); }
      })
      .catch(function () { /* offline for a moment: ask again next time */ })
      .then(function () { window.setTimeout(ask, 4000); });
  }
  window.setTimeout(ask, 4000);
})();
