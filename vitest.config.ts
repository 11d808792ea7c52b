// The CLI and library tests run the built JavaScript, as users do; the global setup builds it
// once per test run when src has changed since the last build.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["./test/global-setup.ts"],
  },
});
