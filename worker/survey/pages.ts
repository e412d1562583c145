// How a questionnaire is split into pages: pure. A short questionnaire (the frequent one, about a minute)
// stays one page; a longer one gets one instrument per page, and an instrument with more than
// MAX_ITEMS_PER_PAGE items is cut into near-equal parts (GCI-R's 40 items: 4 pages of 10).
import type { AskedInstrument } from "../../schema/instruments/definitions";

export const MAX_ITEMS_PER_PAGE = 10;
/** Up to this many items in all, everything stays on one page (frequent: 13–14 items of 0–10 sliders). */
export const ONE_PAGE_UP_TO = 16;

/** One page: the instruments (each with the part of its items shown here) in the order asked. */
export type Page = AskedInstrument[];

export function planPages(asked: AskedInstrument[]): Page[] {
  const total = asked.reduce((n, a) => n + a.items.length, 0);
  if (total <= ONE_PAGE_UP_TO) return [asked.filter((a) => a.items.length > 0)];
  const pages: Page[] = [];
  for (const ins of asked) {
    const n = ins.items.length;
    if (!n) continue;
    const parts = Math.ceil(n / MAX_ITEMS_PER_PAGE);
    const size = Math.ceil(n / parts);
    for (let i = 0; i < n; i += size) pages.push([{ ...ins, items: ins.items.slice(i, i + size) }]);
  }
  return pages.length ? pages : [[]];
}

/** `<versionId>.<itemKey>` of every item on a page (the keys a page save replaces). */
export const pageItemKeys = (page: Page) => page.flatMap((ins) => ins.items.map((i) => `${ins.versionId}.${i.key}`));
