// Lean Coffee facilitator view: a countdown to the end of the current timebox (the page works without it).
(function () {
  "use strict";
  var box = document.querySelector(".timebox[data-ends-at]");
  if (!box || !box.dataset.endsAt) {
    return;
  }
  var ends = Date.parse(box.dataset.endsAt);
  var out = box.querySelector(".countdown");
  function tick() {
    var left = Math.max(0, Math.round((ends - Date.now()) / 1000));
    var minutes = Math.floor(left / 60);
    var seconds = String(left % 60).padStart(2, "0");
    out.textContent = "(" + minutes + ":" + seconds + ")";
    box.classList.toggle("over", left === 0);
  }
  tick();
  window.setInterval(tick, 1000);
})();
