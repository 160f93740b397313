// Shows the reader's own time beside each session when the reader's clock is not the venue's.
(function () {
  "use strict";
  var agenda = document.querySelector("[data-agenda]");
  if (!agenda) return;
  var yourTime = agenda.getAttribute("data-your-time");
  var lang = document.documentElement.lang || "en";

  function offsetLabel(minutes) {
    var sign = minutes < 0 ? "-" : "+";
    var abs = Math.abs(minutes);
    var hours = String(Math.floor(abs / 60)).padStart(2, "0");
    return "UTC" + sign + hours + ":" + String(abs % 60).padStart(2, "0");
  }

  function clock(date) {
    return date.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  }

  function isoDay(date) {
    var month = String(date.getMonth() + 1).padStart(2, "0");
    return date.getFullYear() + "-" + month + "-" + String(date.getDate()).padStart(2, "0");
  }

  var differs = false;
  agenda.querySelectorAll(".session-time[data-start]").forEach(function (line) {
    var start = new Date(line.getAttribute("data-start"));
    var end = new Date(line.getAttribute("data-end"));
    var readerOffset = -start.getTimezoneOffset();
    if (readerOffset === parseInt(line.getAttribute("data-offset-minutes"), 10)) return;
    differs = true;
    var text = clock(start) + "\u2013" + clock(end) + " " + yourTime + " (" + offsetLabel(readerOffset) + ")";
    // Name the day only when it is not the venue's day.
    if (isoDay(start) !== line.getAttribute("data-venue-day")) {
      text = start.toLocaleDateString(lang, { weekday: "short", day: "numeric", month: "short" }) + " " + text;
    }
    var mine = document.createElement("span");
    mine.className = "reader-time";
    mine.textContent = text;
    line.appendChild(mine);
  });
  if (differs) {
    var note = document.getElementById("reader-zone-note");
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone ||
      offsetLabel(-new Date().getTimezoneOffset());
    note.querySelector("[data-reader-zone]").textContent = zone;
    note.hidden = false;
  }
})();
