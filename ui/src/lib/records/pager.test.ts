import { afterEach, describe, expect, it, vi } from "vitest";

import type { IpcResult } from "../ipc";
import { Debouncer, Pager, type Page } from "./pager.svelte";

function pages(all: number[], size: number) {
  const calls: (string | null)[] = [];
  const fetch = (cursor: string | null): Promise<IpcResult<Page<number>>> => {
    calls.push(cursor);
    const start = cursor ? Number(cursor) : 0;
    const items = all.slice(start, start + size);
    const next = start + size < all.length ? String(start + size) : null;
    return Promise.resolve({ ok: true, value: { items, next_cursor: next, total: all.length } });
  };
  return { fetch, calls };
}

describe("Pager", () => {
  it("loads page after page by cursor until the last", async () => {
    const { fetch, calls } = pages([1, 2, 3, 4, 5], 2);
    const pager = new Pager<number>();
    await pager.reset(fetch);
    expect(pager.items).toEqual([1, 2]);
    expect(pager.total).toBe(5);
    await pager.loadMore();
    await pager.loadMore();
    expect(pager.items).toEqual([1, 2, 3, 4, 5]);
    expect(pager.done).toBe(true);
    await pager.loadMore();
    expect(calls).toEqual([null, "2", "4"]);
  });

  it("drops the answer to a query that was replaced meanwhile", async () => {
    let release: (v: IpcResult<Page<number>>) => void = () => undefined;
    const slow = () => new Promise<IpcResult<Page<number>>>((r) => (release = r));
    const pager = new Pager<number>();
    const first = pager.reset(slow);
    await pager.reset(pages([7, 8], 10).fetch);
    release({ ok: true, value: { items: [1], next_cursor: null, total: 1 } });
    await first;
    expect(pager.items).toEqual([7, 8]);
    expect(pager.total).toBe(2);
  });

  it("keeps what it has when a page fails, and retries it", async () => {
    const { fetch } = pages([1, 2, 3], 2);
    let fail = false;
    const pager = new Pager<number>();
    await pager.reset((c) =>
      fail ? Promise.resolve({ ok: false, error: { code: "vault_locked", message: "Locked." } }) : fetch(c),
    );
    fail = true;
    await pager.loadMore();
    expect(pager.error?.code).toBe("vault_locked");
    expect(pager.items).toEqual([1, 2]);
    fail = false;
    await pager.retry();
    expect(pager.items).toEqual([1, 2, 3]);
    expect(pager.error).toBeNull();
  });

  it("does not load two pages at once", async () => {
    const { fetch, calls } = pages([1, 2, 3, 4], 1);
    const pager = new Pager<number>();
    await pager.reset(fetch);
    await Promise.all([pager.loadMore(), pager.loadMore()]);
    expect(calls).toEqual([null, "1"]);
  });
});

describe("Debouncer", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs once, after the typing stops", () => {
    vi.useFakeTimers();
    const run = vi.fn();
    const d = new Debouncer(300);
    d.call(run);
    vi.advanceTimersByTime(200);
    d.call(run);
    vi.advanceTimersByTime(200);
    expect(run).not.toHaveBeenCalled();
    vi.advanceTimersByTime(100);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it("can be cancelled", () => {
    vi.useFakeTimers();
    const run = vi.fn();
    const d = new Debouncer(300);
    d.call(run);
    d.cancel();
    vi.advanceTimersByTime(1000);
    expect(run).not.toHaveBeenCalled();
  });
});
