// Draws each <pre class="mermaid"> of the page (a notebook's revision graph) with the site's own copy of
// Mermaid: those of the page at once, and those a widget's stored state draws later, as they appear.
window.addEventListener("DOMContentLoaded", () => {
  mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "default" });
  const draw = () => {
    const waiting = document.querySelectorAll("pre.mermaid:not([data-processed])");
    if (waiting.length) mermaid.run({ nodes: waiting });
  };
  draw();
  new MutationObserver(draw).observe(document.body, { childList: true, subtree: true });
});
