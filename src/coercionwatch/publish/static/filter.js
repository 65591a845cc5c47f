// Static site only: filter a list in the page, as the server would with the same form.
(function () {
  "use strict";
  function keep(item, field, value) {
    if (!value) return true;
    var have = item.dataset[field] || "";
    if (field === "tags") return have.split("|").indexOf(value) !== -1;
    if (field === "from") return (item.dataset.date || "") >= value;
    if (field === "to") return (item.dataset.date || "").slice(0, value.length) <= value;
    if (field === "q") return (item.dataset.text || "").indexOf(value.toLowerCase()) !== -1;
    return have === value;
  }
  document.querySelectorAll("form[data-filter]").forEach(function (form) {
    var list = document.querySelector("[data-items]");
    var count = document.querySelector("[data-count]");
    var names = { category: "category", severity: "severity", tag: "tags", ongoing: "ongoing",
                  kind: "kind", from: "from", to: "to", q: "q" };
    function apply() {
      var shown = 0;
      list.querySelectorAll(":scope > li").forEach(function (item) {
        var ok = Object.keys(names).every(function (name) {
          var input = form.elements[name];
          return !input || keep(item, names[name], input.value.trim());
        });
        item.hidden = !ok;
        if (ok) shown += 1;
      });
      if (count) count.textContent = String(shown);
    }
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    form.addEventListener("change", apply);
    var params = new URLSearchParams(window.location.search);
    params.forEach(function (value, name) { if (form.elements[name]) form.elements[name].value = value; });
    apply();
  });
})();
