// Swagger UI for /api/docs, started from a file: the page's policy allows no inline script.
(function () {
  "use strict";
  var element = document.getElementById("swagger-ui");
  SwaggerUIBundle({
    url: element.dataset.openapi,
    domNode: element,
    layout: "BaseLayout",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
  });
})();
