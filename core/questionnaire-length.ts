// How long a questionnaire takes, from its items: pure (no runtime imports besides the message catalogue),
// so the questionnaire's first page and the invitation and reminder mails state the same honest length.
import type { Item } from "../schema/instruments/definitions";
import { t, type Lang } from "./i18n/messages";

/**
 * Seconds a youth takes per item, on a phone: a 0–10 slider or yes/no is answered at a glance (the
 * frequent questionnaire of 13 items is the report's "about one minute"); a statement on a 1–5 or 1–4
 * scale is read first (GCI-R + ATMQ/TASC, 51–52 items, is about ten minutes).
 */
export const SECONDS_PER_ITEM: Record<Item["type"], number> = { slider: 5, yesno: 4, likert: 11 };

export function estimateSeconds(items: readonly Pick<Item, "type">[]): number {
  return items.reduce((s, i) => s + SECONDS_PER_ITEM[i.type], 0);
}

/** Whole minutes, at least 1; above 5 minutes rounded to 5 (nobody counts 9 or 11 minutes). */
export function estimateMinutes(items: readonly Pick<Item, "type">[]): number {
  const m = estimateSeconds(items) / 60;
  if (m <= 5) return Math.max(1, Math.round(m));
  return Math.max(5, Math.round(m / 5) * 5);
}

/** "Het invullen duurt ongeveer 1 minuut." / "… ongeveer 10 minuten." */
export function lengthText(minutes: number, lang: Lang): string {
  return minutes === 1 ? t("youth.length.one", lang) : t("youth.length.many", lang).replace("{n}", String(minutes));
}
