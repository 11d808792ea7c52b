// The VM: linearized graphs run on an explicit stack (DESIGN.md § VM).
export type { Code } from "./code.js";
export { Machine, type MachineOptions } from "./machine.js";
