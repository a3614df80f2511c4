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
          macros: Object.assign({}, window.lemmaKatexMacros),  /* katex_macros of mkdocs.yml */
        });
        el.setAttribute("data-lemma-math", "1");
      } catch (err) {
        el.classList.add("lemma-math-error");
        el.title = String(err && err.message || err);
      }
    });
  }
  /* A box that scrolls sideways (wide formula, table, code) can be reached and scrolled with
     the keyboard: it gets tabindex=0 while, and only while, its content overflows. */
  var SCROLLERS = ".md-content .arithmatex, .md-content .lemma-d-given, .md-content pre > code, " +
    ".md-content .md-typeset__scrollwrap, .md-content .lemma-d-why";
  function focusable() {
    document.querySelectorAll(SCROLLERS).forEach(function (el) {
      var wide = el.scrollWidth > el.clientWidth + 1 && /auto|scroll/.test(getComputedStyle(el).overflowX);
      if (wide && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("data-lemma-scroll", "");
      } else if (!wide && el.hasAttribute("data-lemma-scroll")) {
        el.removeAttribute("tabindex");
        el.removeAttribute("data-lemma-scroll");
      }
    });
  }
  var pending = 0;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(focusable, 150);
  });
  /* Names for two theme widgets that have none (the search dialog, the progress bar). */
  function label() {
    [[".md-search", "Search"], [".md-progress", "Loading"]].forEach(function (pair) {
      var el = document.querySelector(pair[0]);
      if (el && !el.getAttribute("aria-label")) el.setAttribute("aria-label", pair[1]);
    });
  }
  function ready() {
    typeset(document);
    label();
    focusable();
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(focusable);
  }
  window.addEventListener("load", focusable);
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(ready);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
  window.lemmaTypeset = typeset;

  /* Search queries reach lunr without its query operators inside words: a reader who types
     text as seen in a formula (`W^\top`, `f:X`) gets results, not a parse error. Material posts
     the query to its search worker as {type: 2, data: "..."}; only that message is touched. */
  var post = window.Worker && Worker.prototype.postMessage;
  if (post && !post.lemma) {
    Worker.prototype.postMessage = function (message) {
      if (message && message.type === 2 && typeof message.data === "string") {
        var words = message.data.replace(/(\S)[\^~:]+/g, "$1 ").replace(/[\\{}$]/g, " ");
        arguments[0] = { type: message.type, data: words.replace(/\s+/g, " ").trim() };
      }
      return post.apply(this, arguments);
    };
    Worker.prototype.postMessage.lemma = true;
  }
})();
