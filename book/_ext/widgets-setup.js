// KI-Werkstatt: loaded just before the Jupyter widget manager on pages with saved widget state
// (see book/_ext/offline.py).
//
// 1. The widget manager loads its icon fonts relative to where require.js thinks the manager's
//    modules live, which by default is the page's own folder (404s). Tell require.js (a global
//    `require` object set before require.js loads is its configuration) and the manager where
//    the files really are: next to this script, in html-manager/.
// 2. ipywidgets' sliders draw their handle as <div role="slider"> without a name, so a screen
//    reader only says "slider" (axe-core: aria-input-field-name, serious). Name each handle after
//    its widget's description label, or say "slider" in the page's language when there is none.
// 3. The widget manager typesets labels with MathJax 2's `MathJax.Hub.Queue`; the book loads
//    MathJax 3, which has no `Hub`, so every widget with a description threw "Cannot read
//    properties of undefined (reading 'Queue')". A two-line bridge hands the job to MathJax 3.
(function () {
  "use strict";
  var here = document.currentScript && document.currentScript.src;
  if (here) {
    var assets = new URL("html-manager/", here).href;
    window.__jupyter_widgets_assets_path__ = assets;
    var folder = assets.replace(/\/$/, "");
    // Every bundled module (@jupyter-widgets/base, /controls, .../libembed-amd) then "lives" in
    // html-manager/, where its fonts are. The longest matching prefix wins in require.js.
    window.require = { paths: { "@jupyter-widgets/html-manager/dist": folder, "@jupyter-widgets": folder } };
  }

  var fallback = (document.documentElement.lang || "en").indexOf("de") === 0 ? "Schieberegler" : "Slider";

  function nameSliders(root) {
    var handles = root.querySelectorAll ? root.querySelectorAll('[role="slider"]:not([aria-label]):not([aria-labelledby])') : [];
    Array.prototype.forEach.call(handles, function (handle) {
      var widget = handle.closest(".jupyter-widgets");
      var label = widget && widget.querySelector(".widget-label");
      var text = label && label.textContent.trim();
      handle.setAttribute("aria-label", text || fallback);
    });
  }

  var observer = new MutationObserver(function (mutations) {
    mutations.forEach(function (mutation) {
      Array.prototype.forEach.call(mutation.addedNodes, function (node) {
        if (node.nodeType === 1) {
          nameSliders(node.parentNode || node);
        }
      });
    });
  });
  function bridgeMathJax() {
    var mathjax = window.MathJax;
    if (!mathjax || mathjax.Hub || !mathjax.startup) {
      return;
    }
    mathjax.Hub = {
      Queue: function () {
        Array.prototype.forEach.call(arguments, function (job) {
          if (Array.isArray(job) && job[0] === "Typeset" && job[2]) {
            mathjax.startup.promise.then(function () { return mathjax.typesetPromise([job[2]]); });
          }
        });
      }
    };
  }

  function start() {
    bridgeMathJax();
    nameSliders(document);
    observer.observe(document.body, { childList: true, subtree: true });
  }
  if (document.body) {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
