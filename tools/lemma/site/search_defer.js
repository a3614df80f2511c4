/* Lemma: Material's search index and search worker are fetched when the search box is first
   used (pointed at, focused or opened with a key), not on every page load: most readers never
   search, and the index is the heaviest file a page would load. Only the browser's
   XMLHttpRequest and Worker are wrapped, before Material's bundle runs; should the theme fetch
   the index or start its worker some other way, they are simply loaded at once, as before. */
(function () {
  "use strict";
  var X = window.XMLHttpRequest && XMLHttpRequest.prototype;
  if (!X || X.open.lemmaDefer) return;
  /* a link that opens the search with a query (?q=...) needs the index at once */
  var open = X.open, send = X.send, wanted = /[?&]q=/.test(location.search), held = [], Real = window.Worker;
  X.open = function (method, url) {
    this.lemmaHeld = !wanted && /\/search\/search_index\.json(\?|$)/.test(String(url));
    return open.apply(this, arguments);
  };
  X.open.lemmaDefer = true;
  X.send = function () {
    if (this.lemmaHeld && !wanted) { held.push([this, arguments]); return; }
    return send.apply(this, arguments);
  };
  function want(e) {
    var t = e.target;
    if (wanted || !t || !t.closest) return;
    if (e.type === "keydown" ? !/^[fs/]$/.test(e.key) || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)
      : !t.closest(".md-search, [for=__search], #__search")) return;
    wanted = true;
    ["pointerover", "focusin", "change", "keydown"].forEach(function (type) { document.removeEventListener(type, want, true); });
    held.splice(0).forEach(function (h) { if (h[0]) send.apply(h[0], h[1]); else h[1](); });
  }
  /* The search worker: a stand-in that keeps what it is given until the real one starts. */
  if (Real) {
    window.Worker = function (url, options) {
      if (wanted || !/\/workers\/search\.[^/]*\.js/.test(String(url))) return new Real(url, options);
      var real = null, calls = [], stand = {};
      ["postMessage", "addEventListener", "removeEventListener", "terminate", "dispatchEvent"].forEach(function (name) {
        stand[name] = function () { if (real) return real[name].apply(real, arguments); calls.push([name, arguments]); };
      });
      ["onmessage", "onerror", "onmessageerror"].forEach(function (name) {
        var value = null;
        Object.defineProperty(stand, name, { get: function () { return real ? real[name] : value; },
          set: function (f) { if (real) real[name] = f; else value = f; } });
      });
      held.push([null, function () {
        var keep = { onmessage: stand.onmessage, onerror: stand.onerror, onmessageerror: stand.onmessageerror };
        real = new Real(url, options);
        for (var key in keep) if (keep[key]) real[key] = keep[key];
        calls.splice(0).forEach(function (c) { real[c[0]].apply(real, c[1]); });
      }]);
      return stand;
    };
    window.Worker.prototype = Real.prototype;
  }
  ["pointerover", "focusin", "change", "keydown"].forEach(function (type) { document.addEventListener(type, want, true); });
})();
