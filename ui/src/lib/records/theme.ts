// Light or dark: the system's choice by default (prefers-color-scheme), or the
// patient's own from Settings, kept in localStorage (a display preference, no
// health data) and applied as `data-theme` on <html>, which app.css reads.

export type ThemeChoice = "system" | "light" | "dark";

export const THEME_KEY = "ownchart.theme";

/** The part of Storage the theme needs (tests pass a Map-backed one). */
export type ThemeStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export function loadTheme(storage: ThemeStorage | null): ThemeChoice {
  try {
    const saved = storage?.getItem(THEME_KEY);
    return saved === "light" || saved === "dark" ? saved : "system";
  } catch {
    // Storage can be refused (private mode, a full disk): the system's choice it is.
    return "system";
  }
}

export function saveTheme(storage: ThemeStorage | null, choice: ThemeChoice): void {
  try {
    if (choice === "system") {
      storage?.removeItem(THEME_KEY);
    } else {
      storage?.setItem(THEME_KEY, choice);
    }
  } catch {
    // Not saved: it still applies for this session.
  }
}

export function applyTheme(root: HTMLElement, choice: ThemeChoice): void {
  if (choice === "system") {
    root.removeAttribute("data-theme");
  } else {
    root.setAttribute("data-theme", choice);
  }
}

function browserStorage(): ThemeStorage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}

/** Applies the saved choice at start-up. */
export function applySavedTheme(): ThemeChoice {
  const choice = loadTheme(browserStorage());
  if (typeof document !== "undefined") {
    applyTheme(document.documentElement, choice);
  }
  return choice;
}

/** Saves and applies the patient's choice. */
export function chooseTheme(choice: ThemeChoice): void {
  saveTheme(browserStorage(), choice);
  if (typeof document !== "undefined") {
    applyTheme(document.documentElement, choice);
  }
}
