/* Lemma: typeset math with the vendored KaTeX (no network), on every (instant) page load. */
(function () {
  "use strict";
  function typeset(root) {
    if (!window.katex) return;
    root.querySelectorAll(".arithmatex").forEach(function (el) {
      if (el.getAttribute("data-lemma-math")) return;
      var tex = el.textContent.trim();
      var display = el.tagName === "DIV" || el.classList.contains("lemma-display");
      if (tex.slice(0, 2) === "\\(" && tex.slice(-2) === "\\)") {
        tex = tex.slice(2, -2);
      } else if (tex.slice(0, 2) === "\\[" && tex.slice(-2) === "\\]") {
        tex = tex.slice(2, -2);
        display = true;
      }
      try {
        window.katex.render(tex, el, {
          displayMode: display, throwOnError: false, strict: "ignore", trust: false,
        });
        el.setAttribute("data-lemma-math", "1");
      } catch (err) {
        el.classList.add("lemma-math-error");
        el.title = String(err && err.message || err);
      }
    });
  }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { typeset(document); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { typeset(document); });
  } else {
    typeset(document);
  }
  window.lemmaTypeset = typeset;
})();
