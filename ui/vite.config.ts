import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vitest/config";

// Tauri embeds ui/dist and serves it under a strict CSP (no inline scripts or
// styles): Svelte's CSS is emitted as files, and no asset is inlined as a data: URL.
export default defineConfig({
  plugins: [svelte()],
  base: "./",
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
  },
  preview: {
    port: 4173,
    strictPort: true,
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: false,
    // The polyfill fetch()es preloaded modules, and connect-src allows only IPC.
    modulePreload: { polyfill: false },
    // zxcvbn's word lists (the export's passphrase hint loads them on demand) are one ~1.2 MB chunk.
    chunkSizeWarningLimit: 1300,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
