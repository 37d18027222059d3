// The records the patient picked one by one to share ("Share this" on a record).
// The records screens add to it; the Share screen shows how many there are and
// sends exactly these (plus the patient's details) when the list is not empty.

export class ShareDraft {
  /** Record keys, in the order they were picked, each once. */
  items: string[] = $state([]);
  readonly count: number = $derived(this.items.length);

  has(key: string): boolean {
    return this.items.includes(key);
  }

  add(...keys: string[]): void {
    const fresh = keys.filter((k, i) => k !== "" && !this.items.includes(k) && keys.indexOf(k) === i);
    if (fresh.length > 0) {
      this.items = [...this.items, ...fresh];
    }
  }

  remove(key: string): void {
    this.items = this.items.filter((k) => k !== key);
  }

  toggle(key: string): void {
    if (this.has(key)) {
      this.remove(key);
    } else {
      this.add(key);
    }
  }

  clear(): void {
    this.items = [];
  }
}

/** The one list the whole UI shares. */
export const shareDraft = new ShareDraft();
