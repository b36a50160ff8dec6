// Folded blocks marked `data-print-open` (the tables under the dashboard's
// charts) print unfolded: opened before printing, folded again after.
(function () {
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.slice.call(
      document.querySelectorAll("details[data-print-open]:not([open])")
    );
    opened.forEach(function (details) {
      details.open = true;
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (details) {
      details.open = false;
    });
    opened = [];
  });
})();
