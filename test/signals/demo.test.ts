// The demo study raises every staff-signal rule at once (`npm start` shows signals without a cron run).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "../../worker/demo/seed";
import { SIGNAL_RULES } from "../../worker/signals/store";

const NOW = Date.now();
beforeAll(async () => {
  await seedDemo(env.DB, env, NOW);
});

const signalsOf = async (code: string) =>
  (
    await env.DB.prepare(
      "SELECT s.rule, s.indicator, s.status FROM signals s JOIN " +
        "participants p ON p.id = s.participant_id WHERE p.code = ?",
    )
      .bind(code)
      .all<{ rule: string; indicator: string; status: string }>()
  ).results;

describe("demo signals", () => {
  it("every rule is raised by some demo youth, and only inside her own pilot", async () => {
    const { results } = await env.DB.prepare(
      "SELECT DISTINCT s.rule FROM signals s JOIN participants p ON p.id = " +
        "s.participant_id AND p.pilot_id = s.pilot_id WHERE s.status = 'open'",
    ).all<{ rule: string }>();
    expect(results.map((r) => r.rule).sort()).toEqual([...SIGNAL_RULES].sort());
  });

  it(
    "DEMO-VIA-03's wellbeing falls: three rules on welzijn, " + "and an open questionnaire for her next measurement",
    async () => {
      const rules = (await signalsOf("DEMO-VIA-03"))
        .filter((s) => s.indicator === "welzijn")
        .map((s) => s.rule)
        .sort();
      expect(rules).toEqual(["drop_vs_median", "low_twice", "trend_down"]);
      const open = await env.DB.prepare(
        "SELECT COUNT(*) AS n FROM occasions o JOIN participants p ON p.id = o.participant_id WHERE " +
          "p.code = 'DEMO-VIA-03' AND o.kind = 'frequent' AND o.status = 'open' AND o.closes_at > ?",
      )
        .bind(NOW)
        .first("n");
      expect(open).toBe(1);
    },
  );

  it("DEMO-VIA-04 missed three in a row; DEMO-VIA-05 fell reliably between T1 and T2", async () => {
    expect((await signalsOf("DEMO-VIA-04")).map((s) => s.rule)).toContain("missed_in_row");
    expect(
      (await signalsOf("DEMO-VIA-05")).filter((s) => s.rule === "reliable_deterioration").map((s) => s.indicator),
    ).toContain("gcir.groei");
  });
});
