// Numbers and times as a Dutch (or English) reader expects them, for every page and report: a decimal
// comma in Dutch ("1,96"), a point in English; instants in the pilot's own time zone, never UTC. Pure.
export type FormatLang = "nl" | "en";

/** The zone of pages that belong to no single pilot (admin pages, the audit log): the platform's home zone. */
export const PLATFORM_ZONE = "Europe/Amsterdam";

/** A number with a fixed number of decimals; "" for null, undefined, NaN and ±Infinity. */
export function formatNumber(v: number | null | undefined, digits = 2, lang: FormatLang = "nl"): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "";
  // toFixed rounds half away from zero on the binary value, as the report's tables did; -0 prints as 0.
  const s = (Object.is(v, -0) ? 0 : v).toFixed(digits);
  const fixed = /^-0(\.0+)?$/.test(s) ? s.slice(1) : s;
  return lang === "nl" ? fixed.replace(".", ",") : fixed;
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
function dtf(lang: FormatLang, timeZone: string, withTime: boolean, seconds = false): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone}|${withTime}|${seconds}`;
  let f = dateTimeFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === "nl" ? "nl-NL" : "en-GB", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      ...(withTime ? { hour: "2-digit", minute: "2-digit", hourCycle: "h23" as const } : {}),
      ...(seconds ? { second: "2-digit" as const } : {}),
    });
    dateTimeFormats.set(key, f);
  }
  return f;
}

/** Built from parts, so the result does not depend on the runtime's ICU punctuation. */
function build(ms: number, timeZone: string, lang: FormatLang, withTime: boolean, seconds = false): string {
  const p = Object.fromEntries(
    dtf(lang, timeZone, withTime, seconds)
      .formatToParts(ms)
      .map((x) => [x.type, x.value]),
  );
  const date = lang === "nl" ? `${p.day}-${p.month}-${p.year}` : `${p.day}/${p.month}/${p.year}`;
  if (!withTime) return date;
  return `${date} ${p.hour}:${p.minute}${seconds ? `:${p.second}` : ""}`;
}

/** "29-11-2026 14:05" (nl) or "29/11/2026 14:05" (en) in the given zone. */
export function formatDateTime(
  ms: number,
  timeZone: string,
  lang: FormatLang = "nl",
  opts: { seconds?: boolean } = {},
): string {
  return build(ms, timeZone, lang, true, opts.seconds);
}

/** "29-11-2026" (nl) or "29/11/2026" (en) in the given zone. */
export function formatDate(ms: number, timeZone: string, lang: FormatLang = "nl"): string {
  return build(ms, timeZone, lang, false);
}
