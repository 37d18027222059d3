// Numbers as the patient reads them. The UI is in English, so the separator is
// always a comma whatever the system locale ("1,234"), never "1.234".

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** A count with thousands separators: 1234 → "1,234". */
export function formatCount(n: number): string {
  return integer.format(Number.isFinite(n) ? Math.max(0, Math.round(n)) : 0);
}

/** "1 record", "2 records", "1,234 records". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** A fraction in 0..1 as a whole percentage: 0.426 → "43%". */
export function formatPercent(done: number, total: number): string {
  if (total <= 0) {
    return "0%";
  }
  const ratio = Math.min(1, Math.max(0, done / total));
  return `${Math.floor(ratio * 100)}%`;
}
