import { searchForWorkspaceRoot } from "vite";
import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { svelteTesting } from "@testing-library/svelte/vite";

// The app runs under a strict Content-Security-Policy (no inline script or style), so the build must
// only reference files: CSS is emitted as one file, nothing is inlined as a data: URL, and the
// module-preload polyfill (which Vite may inline) is off; the webview preloads modules natively.
// The translations live beside ui/, in ../locales (the command line reads them too): the dev server
// may serve that folder; a build inlines the JSON into the page's script.
export default defineConfig({
  plugins: [svelte(), svelteTesting()],
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
    fs: { allow: [searchForWorkspaceRoot(process.cwd()), "../locales"] },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    modulePreload: { polyfill: false },
    cssCodeSplit: false,
    assetsInlineLimit: 0,
  },
  test: {
    environment: "jsdom",
    include: ["tests/**/*.test.ts"],
    setupFiles: ["tests/setup.ts"],
  },
});
