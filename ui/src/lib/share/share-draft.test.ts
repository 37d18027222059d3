import { describe, expect, it } from "vitest";

import { ShareDraft } from "./share-draft.svelte";

describe("ShareDraft", () => {
  it("keeps each picked record once, in the order picked", () => {
    const d = new ShareDraft();
    d.add("Condition/1", "Observation/2", "Condition/1");
    d.add("Observation/2", "", "Immunization/3");
    expect(d.items).toEqual(["Condition/1", "Observation/2", "Immunization/3"]);
    expect(d.count).toBe(3);
  });

  it("toggles, removes and clears", () => {
    const d = new ShareDraft();
    d.toggle("a");
    d.toggle("b");
    d.toggle("a");
    expect(d.items).toEqual(["b"]);
    expect(d.has("b")).toBe(true);
    d.remove("b");
    expect(d.count).toBe(0);
    d.add("c");
    d.clear();
    expect(d.items).toEqual([]);
  });
});
