/* Lemma link previews: hovering or focusing an internal link shows the target's title and text
   (from the linked heading when there is one), read from the target page of this static site.
   The popover floats above the page (no layout shift) and scrolls through the whole note;
   Escape or leaving the link closes it. */
(function () {
  "use strict";
  var SHOW_DELAY = 320, HIDE_DELAY = 220, MAX_CHARS = 12000, MAX_BLOCKS = 80;
  var SKIP = ".lemma-card, .lemma-backlinks, .lemma-local, .lemma-search-text, script, style, .md-source-file, .md-content__button";
  var pages = new Map(), popover = null, current = null, showTimer = 0, hideTimer = 0, serial = 0;

  /* A link worth previewing: same site, an HTML page, inside the page's content. */
  function previewable(a) {
    if (!a || !a.href || a.closest(".lemma-preview, .md-nav, .md-header, .md-footer, .md-search, .md-tabs")) return false;
    if (!a.closest(".md-content, .lemma-graph-panel")) return false;
    if (a.classList.contains("headerlink") || a.classList.contains("md-content__button") ||
        a.closest(".footnote-ref, .footnote-backref") || a.hasAttribute("download")) return false;
    var url;
    try { url = new URL(a.href, location.href); } catch (e) { return false; }
    if (url.origin !== location.origin) return false;
    if (url.pathname === location.pathname) return false;
    return !/\.(png|jpe?g|gif|svg|webp|avif|pdf|zip|json|xml|txt|csv)$/i.test(url.pathname);
  }

  function load(url) {
    var key = url.split("#")[0];
    if (!pages.has(key)) {
      pages.set(key, fetch(key, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.text();
      }).then(function (text) { return new DOMParser().parseFromString(text, "text/html"); }));
    }
    return pages.get(key);
  }

  /* The preview's parts from the target document: kind, title, and a few blocks of content. */
  function extract(doc, url) {
    var article = doc.querySelector("article.md-content__inner") || doc.querySelector("article") || doc.body;
    var h1 = article.querySelector("h1");
    var kind = article.querySelector(".lemma-kind-name") || article.querySelector(".lemma-card-kind");
    var blocks = [], hash = decodeURIComponent(new URL(url).hash.slice(1)), heading = null;
    var target = hash ? doc.getElementById(hash) : null;
    if (target && /^H[2-6]$/.test(target.tagName)) {
      heading = target.cloneNode(true);
      var level = +target.tagName[1];
      for (var el = target.nextElementSibling; el && blocks.length < MAX_BLOCKS; el = el.nextElementSibling) {
        if (/^H[1-6]$/.test(el.tagName) && +el.tagName[1] <= level) break;
        if (el.tagName === "SECTION" || el.tagName === "SCRIPT") break;
        blocks.push(el);
      }
    } else if (target) {
      blocks.push(target.closest("p, li, blockquote, td, div") || target);
    } else {
      /* the whole note: every block of the article but its title, card, backlinks, graph */
      var parts = article.querySelectorAll(":scope > *, :scope > section.lemma-section > *");
      Array.prototype.forEach.call(parts, function (el) {
        if (blocks.length >= MAX_BLOCKS || el.tagName === "H1" || el.matches(SKIP) ||
            el.matches("section.lemma-section")) return;
        blocks.push(el);
      });
    }
    return { kind: kind ? kind.textContent.trim() : "", title: h1 ? h1.textContent.replace(/¶/g, "").trim() : url,
      heading: heading, blocks: blocks };
  }

  function absolutise(node, base) {
    node.querySelectorAll("[href], [src]").forEach(function (el) {
      ["href", "src"].forEach(function (attr) {
        var v = el.getAttribute(attr);
        if (v != null) el.setAttribute(attr, new URL(v, base).href);
      });
    });
    node.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
    node.querySelectorAll("a").forEach(function (el) { el.setAttribute("tabindex", "-1"); });
    return node;
  }

  function build(parts, url) {
    var box = document.createElement("div"), used = 0;
    box.className = "lemma-preview"; box.id = "lemma-preview"; box.setAttribute("role", "tooltip");
    if (parts.kind) text(box, "p", "lemma-preview-kind", parts.kind);
    text(box, "p", "lemma-preview-title", parts.title);
    var body = document.createElement("div");
    body.className = "lemma-preview-body";
    if (parts.heading) body.appendChild(absolutise(parts.heading, url));
    parts.blocks.forEach(function (b) {
      if (used > MAX_CHARS) return;
      used += b.textContent.length;
      body.appendChild(absolutise(document.importNode(b, true), url));
    });
    if (!parts.blocks.length) text(body, "p", "lemma-preview-more", "No text to preview.");
    else body.setAttribute("tabindex", "0"); /* it scrolls: reachable by keyboard too */
    box.appendChild(body);
    box.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
    box.addEventListener("mouseleave", function () { scheduleHide(); });
    return box;
  }
  function text(parent, tag, cls, value) {
    var el = document.createElement(tag);
    el.className = cls; el.textContent = value; parent.appendChild(el);
    return el;
  }

  /* Below the link, or above it when there is no room; kept inside the viewport. */
  function place(box, a) {
    var r = a.getBoundingClientRect(), margin = 8;
    box.style.left = "0px"; box.style.top = "0px";
    var w = box.offsetWidth, h = box.offsetHeight;
    var left = Math.min(Math.max(margin, r.left), document.documentElement.clientWidth - w - margin);
    var top = r.bottom + 6;
    if (top + h > window.innerHeight - margin && r.top - h - 6 > margin) top = r.top - h - 6;
    box.style.left = Math.round(left + window.scrollX) + "px";
    box.style.top = Math.round(top + window.scrollY) + "px";
  }

  function show(a) {
    var id = ++serial, url = new URL(a.href, location.href).href;
    load(url).then(function (doc) {
      if (id !== serial || current !== a) return;
      hide(true);
      popover = build(extract(doc, url), url);
      document.body.appendChild(popover);
      place(popover, a);
      a.setAttribute("aria-describedby", "lemma-preview");
      requestAnimationFrame(function () { if (popover) popover.setAttribute("data-shown", ""); });
    }).catch(function () { /* a page that cannot be read gets no preview */ });
  }

  function hide(keepCurrent) {
    clearTimeout(showTimer); clearTimeout(hideTimer);
    if (popover) { popover.remove(); popover = null; }
    document.querySelectorAll("[aria-describedby='lemma-preview']").forEach(function (el) {
      el.removeAttribute("aria-describedby");
    });
    if (!keepCurrent) { current = null; serial++; }
  }
  function scheduleHide() { clearTimeout(hideTimer); hideTimer = setTimeout(function () { hide(false); }, HIDE_DELAY); }

  function enter(a, delay) {
    clearTimeout(hideTimer);
    if (current === a && popover) return;
    clearTimeout(showTimer);
    current = a;
    showTimer = setTimeout(function () { show(a); }, delay);
  }

  document.addEventListener("mouseover", function (e) {
    var a = e.target.closest && e.target.closest("a[href]");
    if (a && previewable(a)) enter(a, SHOW_DELAY);
  });
  document.addEventListener("mouseout", function (e) {
    var a = e.target.closest && e.target.closest("a[href]");
    if (a && a === current && !(e.relatedTarget && a.contains(e.relatedTarget))) { clearTimeout(showTimer); scheduleHide(); }
  });
  document.addEventListener("focusin", function (e) {
    var a = e.target.closest && e.target.closest("a[href]");
    if (a && previewable(a)) enter(a, 120);
    else if (popover && !(e.target.closest && e.target.closest(".lemma-preview"))) hide(false);
  });
  document.addEventListener("focusout", function (e) {
    if (e.target === current) scheduleHide();
  });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape" && (popover || current)) hide(false); });
  document.addEventListener("click", function () { if (popover) hide(false); });
  window.addEventListener("scroll", function () { if (popover && current) place(popover, current); }, { passive: true });
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { hide(false); }); /* instant navigation swapped the page */
  }
})();
