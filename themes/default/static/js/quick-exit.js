// "Forlat siden": leave at once, and leave this page out of the history so Back does not
// return to it. Works from the button, and from pressing Shift three times within five
// seconds (GOV.UK's pattern; Escape is avoided because it also stops a page from loading).
(function () {
  "use strict";
  var link = document.getElementById("quick-exit");
  if (!link) return;
  var target = link.href;
  var leaving = false;

  function leave(event) {
    if (event) event.preventDefault();
    if (leaving) return;
    leaving = true;
    // Hide the content first, in case the next site is slow to load.
    document.body.hidden = true;
    document.title = "";
    window.location.replace(target);
  }

  link.addEventListener("click", leave);

  var presses = [];
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift" || event.repeat) return;
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < 5000; });
    presses.push(now);
    if (presses.length >= 3) {
      presses = [];
      leave();
    }
  });
})();
