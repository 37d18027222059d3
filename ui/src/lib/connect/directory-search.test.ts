import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type {
  DirectoryEntry,
  DirectoryQuery,
  DirectorySearchResult,
  IntegratorEndpoint,
  IntegratorSearchResult,
  IpcResult,
} from "../ipc";
import {
  DirectorySearch,
  SEARCH_DEBOUNCE_MS,
  SEARCH_LIMIT,
  type IntegratorSearchFn,
  type SearchFn,
} from "./directory-search.svelte";

function entry(id: string, demo = false): DirectoryEntry {
  return {
    id,
    name: id,
    aliases: [],
    kind: "clinical",
    fhir_base: `https://${id}.example.org/fhir`,
    fhir_version: "R4",
    vendor: null,
    addresses: [],
    source: "Built in",
    demo,
  };
}

function found(...entries: DirectoryEntry[]): IpcResult<DirectorySearchResult> {
  return { ok: true, value: { entries, total_matches: entries.length } };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("DirectorySearch", () => {
  it("searches once typing pauses, with the trimmed text", async () => {
    const search = vi.fn<SearchFn>(() => Promise.resolve(found(entry("a"))));
    const s = new DirectorySearch(search);
    s.text = "spr";
    s.typed();
    s.text = "spring ";
    s.typed();
    vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS - 1);
    expect(search).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(search).toHaveBeenCalledTimes(1);
    expect(search).toHaveBeenCalledWith({ text: "spring", kind: null, limit: SEARCH_LIMIT });
    await vi.waitFor(() => expect(s.result?.entries.map((e) => e.id)).toEqual(["a"]));
    expect(s.answeredText).toBe("spring ");
    expect(s.searching).toBe(false);
  });

  it("sends the kind filter", async () => {
    const search = vi.fn<SearchFn>(() => Promise.resolve(found()));
    const s = new DirectorySearch(search);
    s.kind = "payer";
    await s.run();
    expect(search).toHaveBeenCalledWith({ text: "", kind: "payer", limit: SEARCH_LIMIT });
  });

  it("drops an answer overtaken by a newer search", async () => {
    const answers: ((r: IpcResult<DirectorySearchResult>) => void)[] = [];
    const search = vi.fn<SearchFn>(
      (_q: DirectoryQuery) =>
        new Promise((resolve) => {
          answers.push(resolve);
        }),
    );
    const s = new DirectorySearch(search);
    s.text = "old";
    const first = s.run();
    s.text = "new";
    const second = s.run();
    answers[1]?.(found(entry("new")));
    await second;
    answers[0]?.(found(entry("old")));
    await first;
    expect(s.result?.entries.map((e) => e.id)).toEqual(["new"]);
    expect(s.answeredText).toBe("new");
  });

  it("puts the demo portal first and remembers it", async () => {
    const search = vi.fn<SearchFn>();
    search.mockResolvedValueOnce(found(entry("a"), entry("demo", true)));
    search.mockResolvedValueOnce(found(entry("b")));
    const s = new DirectorySearch(search);
    await s.run();
    expect(s.result?.entries.map((e) => e.id)).toEqual(["demo", "a"]);
    await s.run();
    expect(s.demo?.id).toBe("demo");
  });

  it("keeps the last result and shows the error of a failed search", async () => {
    const search = vi.fn<SearchFn>();
    search.mockResolvedValueOnce(found(entry("a")));
    search.mockResolvedValueOnce({ ok: false, error: { code: "vault_locked", message: "Locked." } });
    const s = new DirectorySearch(search);
    await s.run();
    await s.run();
    expect(s.error).toEqual({ code: "vault_locked", message: "Locked." });
    expect(s.result?.entries).toHaveLength(1);
  });

  it("does not search after it is stopped", () => {
    const search = vi.fn<SearchFn>(() => Promise.resolve(found()));
    const s = new DirectorySearch(search);
    s.typed();
    s.stop();
    vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS * 2);
    expect(search).not.toHaveBeenCalled();
  });

  it("asks the integrator the same question and keeps its answer beside", async () => {
    const search = vi.fn<SearchFn>(() => Promise.resolve(found(entry("a"))));
    const epic: IntegratorEndpoint = {
      id: "8e9cb0f7",
      name: "Epic New",
      data_type: "clinical",
      pkce: true,
      vendor: "Epic",
      endpoint_status: "active",
    };
    const answer: IpcResult<IntegratorSearchResult> = {
      ok: true,
      value: { configured: true, entries: [epic] },
    };
    const integrator = vi.fn<IntegratorSearchFn>(() => Promise.resolve(answer));
    const s = new DirectorySearch(search, integrator);
    s.text = "epic";
    await s.run();
    expect(integrator).toHaveBeenCalledWith({ text: "epic", kind: null, limit: SEARCH_LIMIT });
    await vi.waitFor(() => expect(s.integrator?.entries.map((e) => e.name)).toEqual(["Epic New"]));
    expect(s.result?.entries.map((e) => e.id)).toEqual(["a"]);
  });

  it("shows no integrator part without an integrator account", async () => {
    const search = vi.fn<SearchFn>(() => Promise.resolve(found()));
    const integrator = vi.fn<IntegratorSearchFn>(() =>
      Promise.resolve({ ok: true, value: { configured: false, entries: [] } }),
    );
    const s = new DirectorySearch(search, integrator);
    await s.run();
    await vi.waitFor(() => expect(integrator).toHaveBeenCalled());
    expect(s.integrator).toBeNull();
  });
});
