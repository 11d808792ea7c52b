// The optimizer is a later stage than AD, yet the graphs `grad` builds at run time must be
// optimized before the VM first runs them. Whoever drives the pipeline (src/index.ts) installs
// the optimizer here; AD calls it on each unit it has just transformed.
import type { Graph } from "../ir/graph.js";

/**
 * Optimizes the graphs of `owned` reachable from `roots`. `atFixedPoint` is called whenever the
 * graphs stop changing; if it changes them in turn (it returns true), optimizing goes on.
 */
export type UnitOptimizer = (roots: readonly Graph[], owned: Set<Graph>, atFixedPoint?: () => boolean) => void;

let installed: UnitOptimizer | null = null;

/** Installs (or, with null, removes) the optimizer run on freshly transformed graphs. */
export function setUnitOptimizer(optimizer: UnitOptimizer | null): void {
  installed = optimizer;
}

/** Runs the installed optimizer; without one, `atFixedPoint` still runs once. */
export function optimizeUnit(roots: readonly Graph[], owned: Set<Graph>, atFixedPoint?: () => boolean): void {
  if (installed !== null) installed(roots, owned, atFixedPoint);
  else atFixedPoint?.();
}
