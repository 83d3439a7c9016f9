// The progress line of the browser version (make lite): while a notebook's Python starts, a line at the
// bottom of the page says what is loading and for how long, so that the wait is never blank. The steps
// come from the kernel's worker (pyodide-with-progress.mjs) on the BroadcastChannel "tutorial-progress".
// Each step is also kept in window.tutorialProgress as {step, text, seconds} (seconds since the page
// was opened), for the tests and make benchmark.
(function () {
  "use strict";
  window.tutorialProgress = [];
  const channel = new BroadcastChannel("tutorial-progress");
  let line = null;
  let begun = 0;
  let text = "";
  let timer = null;

  function render() {
    const seconds = Math.floor((performance.now() - begun) / 1000);
    line.textContent = `${text}… ${seconds} s`;
  }

  function show(step, message) {
    if (line === null) {
      line = document.createElement("div");
      line.id = "tutorial-progress";
      line.setAttribute("role", "status");
      line.setAttribute("aria-live", "polite");
      line.style.cssText = "position:fixed;left:50%;bottom:32px;transform:translateX(-50%);z-index:10000;" +
        "padding:6px 14px;border-radius:4px;font:14px/1.4 system-ui,sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3);" +
        "background:#1a4d80;color:#fff;max-width:80vw";
      document.body.appendChild(line);
    }
    clearInterval(timer);
    line.hidden = false;
    if (step === "ready") {
      line.textContent = message;
      timer = setTimeout(() => { line.hidden = true; }, 1500);
    } else if (step === "failed") {
      line.style.background = "#8b1a1a";
      line.textContent = `${message}. Reload the page to try again.`;
    } else {
      if (step === "python") begun = performance.now();
      text = message;
      render();
      timer = setInterval(render, 1000);
    }
  }

  channel.onmessage = (event) => {
    const { step, text: message, at } = event.data || {};
    if (!step) return;
    window.tutorialProgress.push({ step, text: message, seconds: (at - performance.timeOrigin) / 1000 });
    if (document.body) show(step, message);
  };
})();
