import { describe, expect, it } from "vitest";

import type { DirectoryEntry, DirectorySourceView, DisconnectReport, PortalAddress } from "../ipc";
import {
  addressLine,
  connectErrorText,
  demoFirst,
  disconnectView,
  entryFacts,
  expiryText,
  urlProblem,
  formatRemaining,
  hostOf,
  kindLabel,
  locationText,
  methodLabel,
  redirectHint,
  remainingMs,
  searchSummary,
  sourceFormatLabel,
  sourceSummary,
  statusView,
} from "./connections";

const UTC = { timeZone: "UTC" };

function address(over: Partial<PortalAddress> = {}): PortalAddress {
  return { line: "1 Main St", city: "Springfield", state: "IL", postal_code: "62701", ...over };
}

function entry(over: Partial<DirectoryEntry> = {}): DirectoryEntry {
  return {
    id: "epic:1",
    name: "Springfield Clinic",
    aliases: [],
    kind: "clinical",
    fhir_base: "https://fhir.example.org/r4",
    fhir_version: "R4",
    vendor: "Epic",
    addresses: [address()],
    source: "Built in",
    demo: false,
    ...over,
  };
}

describe("statusView", () => {
  it("labels each status with its tone", () => {
    expect(statusView({ state: "connected" })).toEqual({ label: "Connected", tone: "success", reason: null });
    expect(statusView({ state: "reconnect_needed", reason: "Access expired." })).toEqual({
      label: "Reconnect needed",
      tone: "warning",
      reason: "Access expired.",
    });
    expect(statusView({ state: "error", reason: "The portal refused the token." })).toEqual({
      label: "Error",
      tone: "error",
      reason: "The portal refused the token.",
    });
  });

  it("drops an empty reason", () => {
    expect(statusView({ state: "error", reason: "" }).reason).toBeNull();
  });
});

describe("labels", () => {
  it("names methods, kinds and source formats", () => {
    expect(methodLabel("smart_login")).toBe("Portal sign-in");
    expect(methodLabel("api_credentials")).toBe("API credentials");
    expect(kindLabel("clinical")).toBe("Clinical");
    expect(kindLabel("payer")).toBe("Insurer");
    expect(sourceFormatLabel("brands_bundle")).toBe("User-access brands bundle");
    expect(sourceFormatLabel("endpoint_list")).toBe("Endpoint list");
  });
});

describe("addressLine", () => {
  it("puts city, state and zip on one line", () => {
    expect(addressLine(address())).toBe("Springfield, IL 62701");
  });

  it("skips what is missing or blank", () => {
    expect(addressLine(address({ city: null }))).toBe("IL 62701");
    expect(addressLine(address({ postal_code: " " }))).toBe("Springfield, IL");
    expect(addressLine(address({ state: null, postal_code: null }))).toBe("Springfield");
    expect(addressLine(address({ city: null, state: null, postal_code: null }))).toBe("");
  });
});

describe("locationText", () => {
  it("is null without a usable address", () => {
    expect(locationText([])).toBeNull();
    expect(locationText([address({ city: null, state: null, postal_code: null })])).toBeNull();
  });

  it("shows the first address and counts the other distinct ones", () => {
    expect(locationText([address()])).toBe("Springfield, IL 62701");
    expect(locationText([address(), address()])).toBe("Springfield, IL 62701");
    expect(locationText([address(), address({ city: "Peoria", postal_code: "61602" })])).toBe(
      "Springfield, IL 62701 and 1 other location",
    );
    expect(
      locationText([address(), address({ city: "Peoria" }), address({ city: "Urbana" })]),
    ).toBe("Springfield, IL 62701 and 2 other locations");
  });
});

describe("entryFacts", () => {
  it("lists vendor, FHIR version and kind", () => {
    expect(entryFacts(entry())).toEqual(["Epic", "FHIR R4", "Clinical"]);
  });

  it("leaves out what is unknown and names an added source", () => {
    expect(entryFacts(entry({ vendor: null, fhir_version: null, kind: "payer", source: "CMS payers" }))).toEqual([
      "Insurer",
      "from CMS payers",
    ]);
  });
});

describe("demoFirst", () => {
  it("moves the demo portal to the top and keeps the rest in order", () => {
    const a = entry({ id: "a" });
    const b = entry({ id: "b" });
    const demo = entry({ id: "builtin:ownchart-demo", demo: true });
    expect(demoFirst([a, demo, b]).map((e) => e.id)).toEqual(["builtin:ownchart-demo", "a", "b"]);
    expect(demoFirst([a, b]).map((e) => e.id)).toEqual(["a", "b"]);
  });
});

describe("searchSummary", () => {
  it("counts the matches", () => {
    expect(searchSummary({ entries: [entry()], total_matches: 1 }, "spring")).toBe("1 portal");
  });

  it("says when only some matches are listed", () => {
    expect(searchSummary({ entries: [entry(), entry()], total_matches: 1500 }, "")).toBe(
      "Showing 2 of 1,500 portals. Add a city, state or zip code to narrow the list.",
    );
  });

  it("quotes a search with no match", () => {
    expect(searchSummary({ entries: [], total_matches: 0 }, " nowhere ")).toBe(
      "No portal matches “nowhere”. Try another name, a city, a state or a zip code.",
    );
  });
});

describe("expiryText", () => {
  const now = new Date("2026-03-12T12:00:00Z");

  it("is null without a readable date", () => {
    expect(expiryText(null, now)).toBeNull();
    expect(expiryText("soon", now)).toBeNull();
  });

  it("says until when access lasts, or when it ended", () => {
    expect(expiryText("2026-06-01T00:00:00Z", now, UTC)).toBe("Access until 1 Jun 2026");
    expect(expiryText("2026-03-01T00:00:00Z", now, UTC)).toBe("Access ended 1 Mar 2026");
  });

  it("gives the time too when the end is near", () => {
    const text = expiryText("2026-03-12T13:00:00Z", now, UTC);
    expect(text).toMatch(/^Access until 12 Mar 2026.*13:00/);
  });
});

describe("remainingMs and formatRemaining", () => {
  const now = new Date("2026-03-12T12:00:00Z");

  it("measures the time left, never below zero", () => {
    expect(remainingMs("2026-03-12T12:05:00Z", now)).toBe(300_000);
    expect(remainingMs("2026-03-12T11:00:00Z", now)).toBe(0);
    expect(remainingMs("not a date", now)).toBeNull();
  });

  it("shows minutes and seconds, rounding up", () => {
    expect(formatRemaining(300_000)).toBe("5:00");
    expect(formatRemaining(245_001)).toBe("4:06");
    expect(formatRemaining(9_000)).toBe("0:09");
    expect(formatRemaining(1)).toBe("0:01");
    expect(formatRemaining(0)).toBe("0:00");
    expect(formatRemaining(-5)).toBe("0:00");
  });

  it("adds hours when there are any", () => {
    expect(formatRemaining(3_723_000)).toBe("1:02:03");
  });
});

describe("sourceSummary", () => {
  it("counts portals and dates the download", () => {
    const source: DirectorySourceView = {
      id: "s1",
      name: "Epic endpoints",
      url: "https://open.epic.com/Endpoints/R4",
      format: "brands_bundle",
      entry_count: 1234,
      fetched_at: "2026-03-12T14:05:09Z",
    };
    expect(sourceSummary(source, UTC)).toBe("1,234 portals · downloaded 12 Mar 2026");
    expect(sourceSummary({ ...source, entry_count: 1 }, UTC)).toBe("1 portal · downloaded 12 Mar 2026");
  });
});

describe("connectErrorText", () => {
  it("explains the codes the patient can act on", () => {
    for (const code of [
      "login_cancelled",
      "login_timeout",
      "reconnect_needed",
      "vault_locked",
      "portal_unreachable",
      "insecure_url",
    ]) {
      const text = connectErrorText({ code, message: "" });
      expect(text.text).not.toBe("");
      expect(text.detail).toBeNull();
    }
    expect(connectErrorText({ code: "insecure_url", message: "" }).text).toContain("https://");
    expect(connectErrorText({ code: "vault_locked", message: "" }).text).toContain("Unlock");
  });

  it("keeps the Rust side's message as detail when it adds something", () => {
    expect(
      connectErrorText({ code: "portal_unreachable", message: "fhir.example.org did not answer within 10 seconds." }),
    ).toEqual({
      text: expect.stringContaining("could not reach the portal") as string,
      detail: "fhir.example.org did not answer within 10 seconds.",
    });
  });

  it("shows the message of an unknown code as it is", () => {
    expect(connectErrorText({ code: "access_denied", message: "You declined access at the portal." })).toEqual({
      text: "You declined access at the portal.",
      detail: null,
    });
    expect(connectErrorText({ code: "internal", message: "" }).text).toBe("Something went wrong while connecting.");
  });
});

describe("disconnectView", () => {
  const report = (remote_revocation: DisconnectReport["remote_revocation"], message = "Disconnected."): DisconnectReport => ({
    connection_id: "c1",
    remote_revocation,
    message,
  });

  it("is a plain success when the portal ended the access", () => {
    expect(disconnectView(report("revoked"), "Springfield Clinic")).toEqual({
      tone: "success",
      title: "Disconnected from Springfield Clinic",
      message: "Disconnected.",
      advice: null,
    });
  });

  it("tells the patient to revoke at the portal when Ownchart could not", () => {
    for (const outcome of ["failed", "unsupported"] as const) {
      const view = disconnectView(report(outcome), "Springfield Clinic");
      expect(view.tone).toBe("warning");
      expect(view.advice).toContain("remove Ownchart from its connected apps");
    }
  });

  it("falls back to a sentence when the report has no message", () => {
    expect(disconnectView(report("revoked", ""), "X").message).toBe("The connection was removed from this computer.");
  });
});

describe("redirectHint", () => {
  it("says what the browser does at the end of each kind of return", () => {
    expect(redirectHint("deep_link")).toContain("asks to open Ownchart");
    expect(redirectHint("loopback")).toContain("you can close it");
    expect(redirectHint("https_bounce")).toContain("Ownchart page");
  });
});

describe("urlProblem", () => {
  it("wants a web address", () => {
    expect(urlProblem("  ")).toBe("Paste the portal's FHIR address.");
    expect(urlProblem("", "Paste the address of the list.")).toBe("Paste the address of the list.");
    expect(urlProblem("fhir.example.org")).toContain("not a web address");
    expect(urlProblem("ftp://fhir.example.org")).toContain("should start with https://");
  });

  it("accepts https and leaves http to the Rust side, which explains why it is refused", () => {
    expect(urlProblem(" https://fhir.example.org/api/FHIR/R4 ")).toBeNull();
    expect(urlProblem("http://fhir.example.org")).toBeNull();
  });
});

describe("hostOf", () => {
  it("takes the host of an address and keeps anything else as typed", () => {
    expect(hostOf(" https://fhir.example.org:8443/r4 ")).toBe("fhir.example.org:8443");
    expect(hostOf("not a url")).toBe("not a url");
  });
});
