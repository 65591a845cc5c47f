// Static site only: Pagefind's search box, started from a file so the page needs no inline script.
// A link to search/?q=words runs that search, and the address follows what the reader types,
// so a search can be shared, bookmarked, and found again with the back button.
window.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var ui = new PagefindUI({ element: "#search", showSubResults: true, showImages: false });
  var address = new URL(window.location.href);
  var asked = (address.searchParams.get("q") || "").trim();
  if (asked) ui.triggerSearch(asked);
  (function connect() {  // Pagefind draws its box after this handler returns.
    var input = document.querySelector("#search input");
    if (!input) { requestAnimationFrame(connect); return; }
    input.setAttribute("aria-labelledby", "search-label");  // its box carries only a title
    input.addEventListener("input", function () {
      var words = input.value.trim();
      if (words) address.searchParams.set("q", words); else address.searchParams.delete("q");
      history.replaceState(history.state, "", address);
    });
  })();
});
