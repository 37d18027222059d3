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

const UNITS = ["KB", "MB", "GB", "TB"];

/** A size in bytes, in decimal units as file managers show them: 950 → "950 bytes", 2_100_000 → "2.1 MB". */
export function formatBytes(bytes: number): string {
  const n = Number.isFinite(bytes) ? Math.max(0, Math.round(bytes)) : 0;
  if (n < 1000) {
    return plural(n, "byte");
  }
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length) {
    value /= 1000;
    unit += 1;
  }
  // One decimal below 10 ("2.1 MB"), none above ("42 MB"): enough to see it move.
  const shown = value < 10 ? Math.floor(value * 10) / 10 : Math.floor(value);
  return `${shown.toLocaleString("en-US")} ${UNITS[unit - 1] ?? "TB"}`;
}
