// Dates from the Rust side are RFC 3339 UTC strings ("2026-03-12T14:05:09Z").
// The patient sees them in their own time zone.

export interface DateOptions {
  /** An IANA time zone; the system's when omitted (tests pin "UTC"). */
  timeZone?: string;
}

function parse(iso: string): Date | null {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "12 Mar 2026, 14:05"; an unreadable date is shown as it came. */
export function formatDateTime(iso: string, options: DateOptions = {}): string {
  const d = parse(iso);
  if (!d) {
    return iso;
  }
  return new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
    timeZone: options.timeZone,
  }).format(d);
}

/** "12 Mar 2026"; an unreadable date is shown as it came. */
export function formatDate(iso: string, options: DateOptions = {}): string {
  const d = parse(iso);
  if (!d) {
    return iso;
  }
  return new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: options.timeZone,
  }).format(d);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * "just now", "5 minutes ago", "3 hours ago", "yesterday", "4 days ago"; from a
 * week on, the absolute date. A time in the future (a skewed clock) is "just now".
 */
export function formatRelative(iso: string, now: Date = new Date(), options: DateOptions = {}): string {
  const d = parse(iso);
  if (!d) {
    return iso;
  }
  const ago = now.getTime() - d.getTime();
  const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  if (ago < MINUTE) {
    return "just now";
  }
  if (ago < HOUR) {
    return rtf.format(-Math.floor(ago / MINUTE), "minute");
  }
  if (ago < DAY) {
    return rtf.format(-Math.floor(ago / HOUR), "hour");
  }
  if (ago < 7 * DAY) {
    return rtf.format(-Math.floor(ago / DAY), "day");
  }
  return formatDate(iso, options);
}
