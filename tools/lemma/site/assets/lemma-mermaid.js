/* Lemma: draw ```mermaid diagrams with the vendored Mermaid (no network). The 5 MB library is
   fetched only by pages that have a diagram; until it runs (or if it fails) the page shows the
   diagram's source, labelled as such. Diagrams are redrawn when the colour scheme changes. */
(function () {
  "use strict";
  var here = document.currentScript ? document.currentScript.src : location.href;
  var library = new URL("mermaid/mermaid.min.js", here).href;
  var loading = null, serial = 0;

  function load() {
    if (window.mermaid) return Promise.resolve(window.mermaid);
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = library;
        script.onload = function () { resolve(window.mermaid); };
        script.onerror = function () { loading = null; reject(new Error("cannot load " + library)); };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  /* Material's palette sets the scheme on <body>; without a palette the theme is light. */
  function dark() {
    return !!document.body && document.body.getAttribute("data-md-color-scheme") === "slate";
  }

  function draw() {
    var blocks = document.querySelectorAll("pre.lemma-mermaid");
    if (!blocks.length) return;
    load().then(function (mermaid) {
      mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: dark() ? "dark" : "default" });
      blocks.forEach(function (pre) {
        var source = pre.textContent;
        var figure = pre.nextElementSibling;
        if (!figure || !figure.classList.contains("lemma-mermaid-figure")) {
          figure = document.createElement("div");
          figure.className = "lemma-mermaid-figure";
          figure.setAttribute("role", "img");
          figure.setAttribute("aria-label", "Diagram");
          pre.parentNode.insertBefore(figure, pre.nextSibling);
        }
        mermaid.render("lemma-mermaid-" + (++serial), source).then(function (out) {
          figure.innerHTML = out.svg;
          pre.hidden = true;
        }, function (error) {
          figure.remove();
          pre.hidden = false;
          pre.setAttribute("data-lemma-error", String(error && error.message || error));
        });
      });
    }, function () { /* offline without the file: the labelled source stays visible */ });
  }

  new MutationObserver(draw).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(draw);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
