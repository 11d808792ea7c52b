// The VM: linearized graphs run on an explicit stack (DESIGN.md § VM).
export { codeFor, type Code } from "./code.js";
export { plainClosure } from "./linearize.js";
export { Machine, type MachineOptions } from "./machine.js";
