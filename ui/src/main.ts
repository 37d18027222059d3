import "./app.css";

import { mount } from "svelte";

import App from "./App.svelte";
import { applySavedTheme } from "./lib/records/theme";

// Before the first paint, so a dark choice never flashes light.
applySavedTheme();

const target = document.getElementById("app");
if (!target) {
  throw new Error("index.html has no #app element");
}

export default mount(App, { target });
