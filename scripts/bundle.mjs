// After tsc: the library and the CLI each become one file. Loaded as tsc leaves them, they are a
// hundred modules of Myx and several hundred of the parser library's (Chevrotain and its
// lodash-es), which takes Node most of half a second to find and read; bundled, a one-line
// program runs in about a seventh of a second (docs/performance.md § Starting up). The other
// files of dist/ stay for their type declarations.
import { build } from "esbuild";

const dist = new URL("../dist/", import.meta.url);
// The CLI first: it imports index.js, which must still be tsc's then, or the CLI would hold a
// second copy of every class, and `instanceof` would tell them apart.
for (const entry of ["cli/main.js", "index.js"]) {
  const file = new URL(entry, dist).pathname;
  await build({
    entryPoints: [file],
    outfile: file,
    allowOverwrite: true,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
  });
}
