import js from "@eslint/js";
import svelte from "eslint-plugin-svelte";
import { defineConfig } from "eslint/config";
import globals from "globals";
import ts from "typescript-eslint";

import svelteConfig from "./svelte.config.js";

const IPC_MODULE = "src/lib/ipc/index.ts";

export default defineConfig(
  {
    // bindings/ is generated from Rust by ts-rs and must stay byte-for-byte as generated.
    ignores: ["dist/", "node_modules/", "coverage/", "src/lib/ipc/bindings/"],
  },
  js.configs.recommended,
  ts.configs.strict,
  svelte.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.browser },
    },
  },
  {
    files: ["**/*.svelte", "**/*.svelte.ts", "**/*.svelte.js"],
    languageOptions: {
      parserOptions: {
        parser: ts.parser,
        extraFileExtensions: [".svelte"],
        svelteConfig,
      },
    },
  },
  {
    files: ["*.config.js", "*.config.ts"],
    languageOptions: {
      globals: { ...globals.node },
    },
  },
  {
    rules: {
      eqeqeq: ["error", "always"],
      "no-console": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      // The CSP forbids inline styles: no style="" attributes, no style: directives.
      "svelte/no-inline-styles": ["error", { allowTransitions: false }],
      "svelte/no-at-html-tags": "error",
      "svelte/button-has-type": "error",
      "svelte/require-each-key": "error",
      // Only the IPC module talks to Tauri; everything else calls its typed functions.
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@tauri-apps/*", "@tauri-apps/**"],
              message: `Only ${IPC_MODULE} may import @tauri-apps packages; use its typed functions.`,
            },
          ],
        },
      ],
    },
  },
  {
    files: [IPC_MODULE],
    rules: { "no-restricted-imports": "off" },
  },
);
