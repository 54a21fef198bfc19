// The print view's "Skriv ut" button (the pages' Content-Security-Policy allows scripts from
// files only, so the button gets its handler here).
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].addEventListener("click", function () { window.print(); });
  }
})();
