import { describe, expect, it } from "vitest";

import {
  ALL_CATEGORY_KEYS,
  baseUrlProblem,
  detailsProblems,
  emptyDetails,
  LABEL_MAX,
  selectionFor,
  selectionProblem,
  SHARE_CATEGORIES,
  shareRequest,
  type DetailsForm,
  type SelectionForm,
} from "./share-form";

const all: SelectionForm = { categories: [...ALL_CATEGORY_KEYS], from: "", to: "", items: [] };
const details = (over: Partial<DetailsForm>): DetailsForm => ({
  ...emptyDetails(),
  recipient: "Dr. Ada Lovelace",
  purpose: "Second opinion",
  ...over,
});

describe("share selection", () => {
  it("offers the 16 categories and then everything else", () => {
    expect(SHARE_CATEGORIES).toHaveLength(17);
    expect(SHARE_CATEGORIES[0]?.key).toBe("patient");
    expect(SHARE_CATEGORIES[16]?.key).toBe("other");
  });

  it("sends every category as an empty list (all), and a subset as its keys in display order", () => {
    expect(selectionFor(all)).toEqual({ categories: [], from: null, to: null, items: [] });
    const some = selectionFor({ ...all, categories: ["labs", "immunization"] });
    expect(some.categories).toEqual(["immunization", "labs"]);
  });

  it("never sends no category as 'all'", () => {
    expect(selectionProblem({ ...all, categories: [] })).toBe("Choose at least one kind of record.");
  });

  it("sends the dates as given, an empty one as none", () => {
    expect(selectionFor({ ...all, from: "2020-01-01" })).toMatchObject({ from: "2020-01-01", to: null });
  });

  it("refuses a range that ends before it starts, and impossible days", () => {
    expect(selectionProblem({ ...all, from: "2024-05-02", to: "2024-05-01" })).toBe(
      "The start date is after the end date.",
    );
    expect(selectionProblem({ ...all, from: "2024-05-01", to: "2024-05-01" })).toBeNull();
    expect(selectionProblem({ ...all, from: "2024-02-30" })).toBe("Enter dates as year, month and day.");
  });

  it("shares only the picked items when there are any, whatever the categories and dates say", () => {
    const picked: SelectionForm = { categories: [], from: "2024-05-02", to: "2024-01-01", items: ["Condition/1"] };
    expect(selectionProblem(picked)).toBeNull();
    expect(selectionFor(picked)).toEqual({ categories: [], from: null, to: null, items: ["Condition/1"] });
  });
});

describe("share details", () => {
  it("wants a recipient and a purpose, not just spaces", () => {
    const problems = detailsProblems(details({ recipient: "  ", purpose: "" }));
    expect(Object.keys(problems).sort()).toEqual(["purpose", "recipient"]);
    expect(detailsProblems(details({}))).toEqual({});
  });

  it("wants at least one output", () => {
    const none = { ips_bundle: false, html_summary: false, smart_health_link: false };
    expect(detailsProblems(details({ outputs: none })).outputs).toBe("Choose at least one file to create.");
  });

  it("limits the link's label, only when a link is made", () => {
    const long = "x".repeat(LABEL_MAX + 1);
    expect(detailsProblems(details({ label: long })).label).toBeDefined();
    expect(detailsProblems(details({ label: "x".repeat(LABEL_MAX) })).label).toBeUndefined();
    const noLink = { ips_bundle: true, html_summary: false, smart_health_link: false };
    expect(detailsProblems(details({ label: long, outputs: noLink })).label).toBeUndefined();
  });
});

describe("the link's hosting address", () => {
  it("is optional, and otherwise an https address", () => {
    expect(baseUrlProblem("")).toBeNull();
    expect(baseUrlProblem(" https://files.example.org/shared/ ")).toBeNull();
    expect(baseUrlProblem("http://files.example.org/")).toBe("The address must start with https://.");
    expect(baseUrlProblem("file:///home/pat/x")).toBe("The address must start with https://.");
    expect(baseUrlProblem("files.example.org")).toBe("Enter a full web address, starting with https://.");
    expect(detailsProblems(details({ baseUrl: "ftp://x" })).baseUrl).toBeDefined();
  });

  it("is sent trimmed with a link, and not without one", () => {
    const r = shareRequest(all, details({ baseUrl: " https://files.example.org/s/ " }), "/out");
    expect(r.base_url).toBe("https://files.example.org/s/");
    const noLink = { ips_bundle: true, html_summary: false, smart_health_link: false };
    expect(shareRequest(all, details({ baseUrl: "https://x.org/", outputs: noLink }), "/out").base_url).toBeNull();
  });
});

describe("shareRequest", () => {
  it("trims the texts and turns the expiry choice into days", () => {
    const r = shareRequest(all, details({ recipient: " Dr. Ada ", purpose: " Travel ", label: " Trip ", expiresInDays: "7" }), "/out");
    expect(r).toEqual({
      selection: { categories: [], from: null, to: null, items: [] },
      recipient: "Dr. Ada",
      purpose: "Travel",
      out_dir: "/out",
      outputs: { ips_bundle: true, html_summary: true, smart_health_link: true },
      label: "Trip",
      expires_in_days: 7,
      passcode: false,
      base_url: null,
    });
  });

  it("sends no label or expiry without a link, and none for 'no end date'", () => {
    const noLink = { ips_bundle: true, html_summary: true, smart_health_link: false };
    const r = shareRequest(all, details({ outputs: noLink, label: "Trip", expiresInDays: "30" }), "/out");
    expect([r.label, r.expires_in_days]).toEqual([null, null]);
    expect(shareRequest(all, details({ expiresInDays: "" }), "/out").expires_in_days).toBeNull();
  });
});
