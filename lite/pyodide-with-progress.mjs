// Pyodide's loadPyodide, saying what it is loading (make lite): the site's kernel loads this module
// instead of pyodide.mjs (its pyodideUrl setting). Each step is announced on the BroadcastChannel
// "tutorial-progress", which the page's progress line (progress.js) shows, with the time it began:
//   python    Python itself starts (Pyodide's WebAssembly and standard library);
//   packages  one group of packages of the lock file is loaded ("steps" below), for each group;
//   kernel    the kernel starts (it imports piplite and pyodide_kernel, which imports IPython);
//   ready     the kernel can run a cell; or failed, with the error.
// The kernel passes its loadPyodideOptions through; "tutorialSteps" there (the site's settings) lists
// the groups of packages in order, [{"text": "...", "packages": [...]}]: loading them one group after
// the other lets the page (and make benchmark) tell how long each took.
// It also gives the kernel JupyterLab's search order for imports (kernelFolderAfterTheStandardLibrary).
import { loadPyodide as loadPyodideItself } from "./pyodide.mjs";

const channel = new BroadcastChannel("tutorial-progress");
const say = (step, text) => channel.postMessage({ step, text, at: performance.timeOrigin + performance.now() });

export async function loadPyodide(options) {
  const { tutorialSteps = [], packages = [], ...rest } = options;
  try {
    say("python", "Starting Python in your browser (Pyodide)");
    const pyodide = await loadPyodideItself({ ...rest, packages: [] });
    for (const { text, packages: group } of tutorialSteps) {
      say("packages", text);
      await loadEvery(pyodide, group);
    }
    const others = packages.filter((name) => !tutorialSteps.some((step) => step.packages.includes(name)));
    if (others.length) await loadEvery(pyodide, others);
    kernelFolderAfterTheStandardLibrary(pyodide);
    say("kernel", "Starting the kernel (IPython)");
    watchTheKernelStart(pyodide);
    return pyodide;
  } catch (error) {
    say("failed", `Python could not start: ${error.message}`);
    throw error;
  }
}

// Pyodide's loadPackage only logs a package it could not load (a failed download, a wrong sha256) and goes on:
// here that fails the start, saying which, instead of a kernel that starts without it.
async function loadEvery(pyodide, names) {
  const errors = [];
  await pyodide.loadPackage(names, { messageCallback: () => {}, errorCallback: (text) => errors.push(text) });
  if (errors.length) throw new Error(errors.join(" "));
}

// Pyodide starts Python with "" (the current folder) first on sys.path; the kernel then moves into the file
// browser's drive, /drive, where every look at a file or folder is a request to the page (about 6 ms). With ""
// first, Python's importer looks at that folder before it finds any top-level module not built in and not yet
// imported: each of the kernel's top-level imports, and a learner's first import of each standard module, paid at
// least one request (a stat of the folder; the first time, a listing too). Without "" here, IPython's start puts
// it back just before the first site-packages entry, so after the standard library (InteractiveShellApp.init_path
// adds it only when it is absent): the order of an ipykernel kernel on CPython, as JupyterLab starts it
// (ipykernel_launcher drops the folder, init_path puts it back there). Installed packages, which come after "",
// still cost a look there on their first import, as in JupyterLab; a learner's file named like a standard module
// no longer hides it, as in JupyterLab too.
function kernelFolderAfterTheStandardLibrary(pyodide) {
  pyodide.runPython("import sys\nwhile '' in sys.path: sys.path.remove('')");
}

// The kernel's last step of its start is the Python code that imports pyodide_kernel: when it ends, the kernel is ready.
function watchTheKernelStart(pyodide) {
  const runPythonAsync = pyodide.runPythonAsync.bind(pyodide);
  pyodide.runPythonAsync = async (code, ...more) => {
    const last = String(code).includes("import pyodide_kernel");
    try {
      const result = await runPythonAsync(code, ...more);
      if (last) {
        pyodide.runPythonAsync = runPythonAsync;
        say("ready", "Python is ready");
      }
      return result;
    } catch (error) {
      say("failed", `The kernel could not start: ${error.message}`);
      throw error;
    }
  };
}
