// The "Print" button of report pages (without JavaScript, the browser's own
// print command does the same).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
