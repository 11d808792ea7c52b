// npm links `bin` entries but a freshly emitted file is not executable; make it so.
import { chmodSync } from "node:fs";
chmodSync(new URL("../dist/cli/main.js", import.meta.url), 0o755);
