// The demo study's staff forms (worker/demo/seed.ts): a background form and a RIS-L for most demo youths,
// deterministic and synthetic, so `npm start` shows report tables 3.1/3.2 (with derived months and "< 3"
// cells) and the RIS-L columns of table 3.3 banded against the study group. Values follow the mix of the
// report's tables 3.1/3.4/3.7/3.10 loosely; nothing here describes a real person.
import { RISL_PARTS, type RislPart } from "../../schema/staff-forms";
import { addDays } from "../schedule/schedule";
import { hash, rng } from "./random";

const pick = <T>(rand: () => number, xs: readonly T[], weights: readonly number[]): T => {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = rand() * total;
  for (let i = 0; i < xs.length; i++) if ((r -= weights[i]!) < 0) return xs[i]!;
  return xs[xs.length - 1]!;
};

const PROBLEMS = [
  "trauma",
  "attachment",
  "family_system",
  "sexual_risk",
  "substance_use",
  "intellectual_disability",
  "safety",
  "coercion",
  "sexual_abuse",
  "domestic_violence",
  "honour_violence",
  "pregnancy",
] as const;
const PROBLEM_WEIGHTS = [8, 3, 5, 5, 4, 2, 4, 2, 3, 2, 1, 1];

/** One to three problems at referral (report table 3.2), in the list's order; its own random stream. */
function demoProblems(code: string): string[] {
  const rand = rng(hash(`bg-problems:${code}`));
  const chosen = new Set<string>();
  const n = 1 + Math.floor(rand() * 3);
  while (chosen.size < n) chosen.add(pick(rand, PROBLEMS, PROBLEM_WEIGHTS));
  return PROBLEMS.filter((p) => chosen.has(p));
}

/** The background form of one demo youth (fixed lists only; one in six has no form yet). */
export function demoBackground(code: string, pilotStartDate: string): Record<string, unknown> | null {
  const rand = rng(hash(`bg:${code}`));
  if (rand() < 1 / 6) return null;
  const education = pick(
    rand,
    ["praktijk_vso", "vmbo_bk", "vmbo_tl", "havo_vwo", "mbo", "other"],
    [2, 5, 2, 1, 2, 0.5],
  );
  const care = ["ambulant", ...(rand() < 0.3 ? ["crisis"] : []), ...(rand() < 0.3 ? ["residential_open"] : [])];
  return {
    ageAtPilotStart: 13 + Math.floor(rand() * 8),
    careStartDate: addDays(pilotStartDate, -Math.floor(15 + rand() * 300)),
    countryOfOrigin: pick(rand, ["nl", "west_european", "non_west_european"], [6, 1, 2]),
    dayActivityBefore: pick(rand, ["school", "volunteer_day_programme", "none"], [6, 1, 1]),
    educationLevel: education,
    ...(education === "other" ? { educationLevelOther: "demo: andere opleiding" } : {}),
    livingSituationBefore: pick(rand, ["parents", "residential", "foster", "family_home"], [4, 3, 2, 1]),
    referralProblems: demoProblems(code),
    careBefore: care,
    income: pick(rand, ["none", "side_job"], [5, 1]),
    debts: pick(rand, ["no", "yes", "unknown"], [5, 1, 2]),
  };
}

/** The RIS-L of one demo youth: yes/no/unknown per item (one in eight has none yet). */
export function demoRisl(code: string): Record<string, unknown> | null {
  const rand = rng(hash(`risl:${code}`));
  if (rand() < 1 / 8) return null;
  const load = rand(); // some youths have many signals, as in the report (a skewed distribution)
  const answers = (n: number, pYes: number) =>
    Array.from({ length: n }, () => (rand() < pYes ? "yes" : rand() < 0.8 ? "no" : "unknown"));
  const pYes: Record<RislPart, number> = {
    a6: 0.3,
    signals: 0.05 + load * load * 0.6,
    risks: 0.2 + load * 0.4,
    protective: 0.6 - load * 0.4,
  };
  return Object.fromEntries(RISL_PARTS.map((p) => [p.key, answers(p.items, pYes[p.key])]));
}

/** Stores the demo forms for every youth of the given pilots. */
export async function seedDemoStaffForms(d1: D1Database, pilotKeys: string[], now: number) {
  const people = await d1
    .prepare(
      `SELECT p.id, p.code, p.pilot_start_date AS start FROM participants p JOIN pilots pl ON pl.id = p.pilot_id
       WHERE pl.key IN (${pilotKeys.map(() => "?").join(", ")})`,
    )
    .bind(...pilotKeys)
    .all<{ id: number; code: string; start: string }>();
  const stmts: D1PreparedStatement[] = [];
  const insert = "INSERT INTO staff_forms (participant_id, form, data, updated_at) VALUES (?1, ?2, ?3, ?4)";
  for (const p of people.results) {
    const bg = demoBackground(p.code, p.start);
    const risl = demoRisl(p.code);
    if (bg) stmts.push(d1.prepare(insert).bind(p.id, "background", JSON.stringify(bg), now));
    if (risl) stmts.push(d1.prepare(insert).bind(p.id, "risl", JSON.stringify(risl), now));
  }
  for (let i = 0; i < stmts.length; i += 50) await d1.batch(stmts.slice(i, i + 50));
}
