// The demo study's codebooks (worker/demo/seed.ts): a small codebook per pilot and a few of the demo
// comments tagged by the pilot's demo researcher, so `npm start` shows codes, counts and the coded export.
const DEMO_CODES: { label: string; description: string; words: string[] }[] = [
  { label: "School en werk", description: "School, stage of werk", words: ["school", "stage"] },
  { label: "Thuis", description: "Thuissituatie en gezin", words: ["thuis"] },
  { label: "Welbevinden", description: "Hoe ze zich voelt", words: ["moe", "beter"] },
  { label: "Hulpverlening", description: "Contact met hulpverleners", words: ["gesprekken"] },
];
/** Comments tagged per code and pilot: a few, not all. */
const PER_CODE = 4;

/** `pilots`: the demo pilots with the e-mail address of their researcher (the tagger). */
export async function seedDemoCodes(d1: D1Database, pilots: { key: string; researcher: string }[], now: number) {
  const stmts: D1PreparedStatement[] = [];
  for (const p of pilots) {
    const pilot = "(SELECT id FROM pilots WHERE key = ?1)";
    for (const c of DEMO_CODES) {
      const insert =
        `INSERT INTO comment_codes (pilot_id, label, ` + `description, created_at) VALUES (${pilot}, ?2, ?3, ?4)`;
      stmts.push(d1.prepare(insert).bind(p.key, c.label, c.description, now));
      const match = c.words.map((_w, i) => `lower(r.comment) LIKE ?${i + 5}`).join(" OR ");
      stmts.push(
        d1
          .prepare(
            `INSERT INTO comment_tags (response_id, code_id, tagged_by, tagged_at)
             SELECT r.id, (SELECT id FROM comment_codes WHERE pilot_id = ${pilot} AND label = ?2),
               (SELECT id FROM staff_users WHERE email = ?3), ?4
             FROM responses r JOIN participants p ON p.id = r.participant_id
             WHERE p.pilot_id = ${pilot} AND r.comment IS NOT NULL AND (${match})
             ORDER BY r.answered_at DESC LIMIT ${PER_CODE}`,
          )
          .bind(p.key, c.label, p.researcher, now, ...c.words.map((w) => `%${w}%`)),
      );
    }
  }
  await d1.batch(stmts);
}
