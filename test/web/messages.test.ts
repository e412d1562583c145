// The one message catalogue: every text in Dutch and English, and nothing a youth can see (pages,
// mails, the pause page, error pages, questionnaire items) that could give her away on a shared phone.
import { describe, expect, it } from "vitest";
import { BUILT_IN } from "../../schema/instruments/definitions";
import { catalogue, LANGS } from "../../core/i18n/messages";
import { FORBIDDEN_WORDS } from "../../worker/studies/validators";

const YOUTH_FACING = /^(youth|mail|pause|error)\./;

/** Every string inside a value, however deeply nested. */
const strings = (v: unknown): string[] =>
  typeof v === "string" ? [v] : v && typeof v === "object" ? Object.values(v).flatMap(strings) : [];

describe("message catalogue", () => {
  it("has every text in Dutch and in English", () => {
    for (const [key, text] of Object.entries(catalogue)) {
      for (const lang of LANGS) expect(text[lang].trim(), `${key}.${lang}`).not.toBe("");
    }
  });

  it("keeps sensitive words out of everything a youth can read", () => {
    const youthKeys = Object.keys(catalogue).filter((k) => YOUTH_FACING.test(k));
    expect(youthKeys.length).toBeGreaterThan(30); // the prefixes still select the youth's texts
    for (const key of youthKeys) {
      for (const lang of LANGS)
        expect(catalogue[key as keyof typeof catalogue][lang], `${key}.${lang}`).not.toMatch(FORBIDDEN_WORDS);
    }
  });

  it("keeps sensitive words out of every built-in questionnaire text", () => {
    const texts = BUILT_IN.flatMap((ins) => strings({ title: ins.title, items: ins.items, scale: ins.scale }));
    expect(texts.length).toBeGreaterThan(50);
    for (const text of texts) expect(text).not.toMatch(FORBIDDEN_WORDS);
  });

  it("the check itself catches the words it is for", () => {
    for (const w of ["slachtoffer", "Uitbuiting", "loverboy", "mensenhandel", "exploitation", "victim"])
      expect(w).toMatch(FORBIDDEN_WORDS);
  });
});
