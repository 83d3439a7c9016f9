// Run a Python file in Pyodide under Node.js, a host folder mounted at /work (make lite's bytecode step).
// Usage: node lite/run_in_pyodide.mjs <pyodide folder> <host folder> <script.py> [arguments...]
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideFolder, hostFolder, script, ...args] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(resolve(pyodideFolder, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: resolve(pyodideFolder) + "/", stdout: console.log, stderr: console.error });
pyodide.FS.mkdirTree("/work");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: resolve(hostFolder) }, "/work");
pyodide.pyimport("sys").argv = pyodide.toPy([script, ...args]);
await pyodide.runPythonAsync(readFileSync(script, "utf8"));
