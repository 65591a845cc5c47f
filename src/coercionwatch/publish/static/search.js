// Static site only: Pagefind's search box, started from a file so the page needs no inline script.
window.addEventListener("DOMContentLoaded", function () {
  "use strict";
  new PagefindUI({ element: "#search", showSubResults: true, showImages: false });
  (function label() {  // Pagefind's box carries only a title; name it by the visible label.
    var input = document.querySelector("#search input");
    if (input) { input.setAttribute("aria-labelledby", "search-label"); } else { requestAnimationFrame(label); }
  })();
});
