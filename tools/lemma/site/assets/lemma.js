/* Lemma: keyboard access to wide boxes, names for theme widgets, search queries without lunr
   operators. Formulas arrive typeset: KaTeX runs when the site is built, not here. */
(function () {
  "use strict";
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
    label();
    focusable();
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(focusable);
  }
  /* "On this page" (phones): scroll to the section here, leave Material's page loader out
     of a jump inside the page, and fold the list away. */
  window.addEventListener("click", function (event) {  /* window: before Material's handler */
    var link = event.target.closest && event.target.closest(".lemma-toc-phone a");
    if (!link || !link.hash || link.pathname !== location.pathname) return;
    var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) return;
    event.preventDefault();
    event.stopPropagation();
    link.closest("details").open = false;
    history.pushState(history.state, "", link.hash);
    var header = document.querySelector(".md-header");
    var offset = (header ? header.getBoundingClientRect().height : 0) + 8;
    window.scrollTo(0, target.getBoundingClientRect().top + window.scrollY - offset);
  }, true);
  window.addEventListener("load", focusable);
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(ready);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }

  /* Search reads notation as the index writes it (tex_words.py): `W^\top`, `W^T` and `Wᵀ` all
     become `Wᵀ`, `\lambda` becomes `λ`; then each symbol brings its name and each name its
     symbol (λ ↔ lambda, ∇ ↔ nabla, ᵀ ↔ transpose, ⁻¹ ↔ inverse, ⁺ ↔ pseudoinverse), and lunr's
     query operators inside words are dropped, so a formula typed as seen gets results. */
  var GREEK = {alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", zeta: "ζ",
    eta: "η", theta: "θ", iota: "ι", kappa: "κ", lambda: "λ", mu: "μ", nu: "ν", xi: "ξ",
    pi: "π", rho: "ρ", sigma: "σ", tau: "τ", upsilon: "υ", phi: "φ", chi: "χ", psi: "ψ",
    omega: "ω", nabla: "∇", partial: "∂", infty: "∞", ell: "ℓ"};
  var MARKS = {"ᵀ": "transpose", "⁻¹": "inverse", "⁺": "pseudoinverse"};
  function notation(query) {
    return query
      .replace(/\^\s*(?:\{\s*(?:\\top|T|⊤)\s*\}|\\top|T|⊤)(?![A-Za-z])/g, "ᵀ")
      .replace(/\^\s*(?:\{\s*-\s*1\s*\}|-1)/g, "⁻¹")
      .replace(/\^\s*(?:\{\s*\+\s*\}|\+)/g, "⁺")
      .replace(/\\([A-Za-z]+)/g, function (all, name) { return GREEK[name] || name; });
  }
  function expand(query) {
    var out = [];
    notation(query).split(/\s+/).forEach(function (word) {
      if (!word) return;
      out.push(word);
      var lower = word.toLowerCase();
      Object.keys(GREEK).forEach(function (name) {
        if (lower === name) out.push(GREEK[name] + "*");
        else if (word.indexOf(GREEK[name]) >= 0) out.push(name);
      });
      Object.keys(MARKS).forEach(function (mark) {
        if (lower === MARKS[mark]) out.push("*" + mark);  /* words ending in the mark */
        else if (word.indexOf(mark) >= 0) out.push(MARKS[mark]);
      });
    });
    return out.join(" ").replace(/(\S)[\^~:]+/g, "$1 ").replace(/[\\{}$]/g, " ")
      .replace(/\s+/g, " ").trim();
  }
  window.lemmaSearchWords = expand;
  /* Material posts the query to its search worker as {type: 2, data: "..."}; only that message
     is touched. */
  var post = window.Worker && Worker.prototype.postMessage;
  if (post && !post.lemma) {
    Worker.prototype.postMessage = function (message) {
      if (message && message.type === 2 && typeof message.data === "string") {
        arguments[0] = { type: message.type, data: expand(message.data) };
      }
      return post.apply(this, arguments);
    };
    Worker.prototype.postMessage.lemma = true;
  }
})();
