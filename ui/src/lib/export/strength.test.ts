import { describe, expect, it } from "vitest";

import { passphraseStrength, strengthLabel } from "./strength";

describe("passphraseStrength", () => {
  it("calls a common password very weak and says why", async () => {
    const s = await passphraseStrength("password1");
    expect(s.score).toBeLessThanOrEqual(1);
    expect(s.label).toMatch(/weak/i);
    expect(s.warning).not.toBeNull();
  });

  it("calls a long passphrase of unrelated words strong", async () => {
    const s = await passphraseStrength("violet tractor mango lighthouse");
    expect(s.score).toBeGreaterThanOrEqual(3);
    expect(s.label).toMatch(/strong/i);
  });

  it("counts the patient's own words as known", async () => {
    const alone = await passphraseStrength("Quetzalcoatl1987");
    const known = await passphraseStrength("Quetzalcoatl1987", ["quetzalcoatl"]);
    expect(known.score).toBeLessThan(alone.score);
  });

  it("labels every score", () => {
    expect([0, 1, 2, 3, 4].map((s) => strengthLabel(s as 0 | 1 | 2 | 3 | 4))).toEqual([
      "Very weak",
      "Weak",
      "Fair",
      "Strong",
      "Very strong",
    ]);
  });
});
