import { describe, expect, it } from "vitest";

import { fileName } from "./paths";

describe("fileName", () => {
  it("takes the last part of POSIX and Windows paths", () => {
    expect(fileName("/home/pat/Downloads/my-records.json")).toBe("my-records.json");
    expect(fileName("C:\\Users\\pat\\my records.ndjson")).toBe("my records.ndjson");
    expect(fileName("plain.json")).toBe("plain.json");
  });

  it("ignores a trailing separator and keeps odd input readable", () => {
    expect(fileName("/tmp/folder/")).toBe("folder");
    expect(fileName("/")).toBe("/");
    expect(fileName("")).toBe("");
  });
});
