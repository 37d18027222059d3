import { describe, expect, it } from "vitest";

import { applyTheme, loadTheme, saveTheme, THEME_KEY, type ThemeStorage } from "./theme";

function memory(): ThemeStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

describe("theme", () => {
  it("follows the system until the patient chooses", () => {
    const s = memory();
    expect(loadTheme(s)).toBe("system");
    saveTheme(s, "dark");
    expect(loadTheme(s)).toBe("dark");
    saveTheme(s, "system");
    expect(s.map.has(THEME_KEY)).toBe(false);
    expect(loadTheme(s)).toBe("system");
  });

  it("ignores a value it does not know, and storage that throws", () => {
    const s = memory();
    s.map.set(THEME_KEY, "purple");
    expect(loadTheme(s)).toBe("system");
    const broken: ThemeStorage = {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("denied");
      },
      removeItem: () => undefined,
    };
    expect(loadTheme(broken)).toBe("system");
    expect(() => saveTheme(broken, "light")).not.toThrow();
  });

  it("sets data-theme only for an explicit choice", () => {
    const attrs = new Map<string, string>();
    const root = {
      setAttribute: (k: string, v: string) => void attrs.set(k, v),
      removeAttribute: (k: string) => void attrs.delete(k),
    } as unknown as HTMLElement;
    applyTheme(root, "light");
    expect(attrs.get("data-theme")).toBe("light");
    applyTheme(root, "system");
    expect(attrs.has("data-theme")).toBe(false);
  });
});
