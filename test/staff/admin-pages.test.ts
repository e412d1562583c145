// The admin screens (pilots, staff users, API tokens) in workerd against D1: each form posted as a browser
// posts it (the CSRF token in the form), stored through the same functions as the JSON API, audited, and
// every kind of bad input refused beside its field with the values kept and nothing stored.
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb, schema } from "../../worker/db";
import { BASE, call, type TestPrincipal } from "../support/http";
import { sessionFor, staffUser } from "../support/staff";
import { makePilot, uniqueKey } from "../support/study";

const db = () => getDb(env.DB);
const ORIGIN = { origin: BASE };

/** A form post as the browser sends it: the session's CSRF token in the `_csrf` field, our own origin. */
function post(
  who: TestPrincipal,
  path: string,
  fields: Record<string, string | string[]> | [string, string][],
  opts: { csrf?: string | null } = {},
) {
  const body = new URLSearchParams();
  const token = opts.csrf === undefined ? who.csrf : opts.csrf;
  if (token !== null && token !== undefined) body.append("_csrf", token);
  for (const [k, v] of Array.isArray(fields) ? fields : Object.entries(fields))
    for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  return call(who, "POST", path, body, { csrf: false, headers: ORIGIN });
}
const get = async (who: TestPrincipal, path: string, status = 200) => {
  const res = await call(who, "GET", path);
  expect(res.status, path).toBe(status);
  return res.text();
};
const audits = async (action: string, target?: string) =>
  db()
    .select()
    .from(schema.auditLog)
    .where(
      target
        ? and(eq(schema.auditLog.action, action), eq(schema.auditLog.target, target))
        : eq(schema.auditLog.action, action),
    );
const pilotRow = async (key: string) => (await db().select().from(schema.pilots).where(eq(schema.pilots.key, key)))[0];
const staffRow = async (email: string) =>
  (await db().select().from(schema.staffUsers).where(eq(schema.staffUsers.email, email)))[0];
const userEmail = async (id: number) =>
  (await db().select().from(schema.staffUsers).where(eq(schema.staffUsers.id, id)))[0]?.email;
const errorBeside = (html: string, field: string) => {
  expect(html).toMatch(
    new RegExp(
      `id="${field}"[^>]*aria-invalid="true"[^>` +
        `]*aria-describedby="${field}-error"|id="${field}"[^>]*aria-describedby="${field}-error"`,
    ),
  );
  expect(html).toContain(`id="${field}-error"`);
  expect(html).toContain(`href="#${field}"`);
};

let admin: TestPrincipal;
let adminId: number;
let researcher: TestPrincipal;
let existing: Awaited<ReturnType<typeof makePilot>>["pilot"];

beforeAll(async () => {
  ({ pilot: existing } = await makePilot());
  adminId = (await staffUser({ admin: true })).id;
  admin = await sessionFor(adminId, "admin");
  researcher = await sessionFor(
    (await staffUser({ roles: [{ role: "researcher", pilotId: existing.id }] })).id,
    "researcher",
  );
});

describe("admin overview", () => {
  it(
    "the staff home links admins (only) to /staff/admin, " + "which links to every admin screen and the study archive",
    async () => {
      expect(await get(admin, "/staff")).toContain('href="/staff/admin"');
      expect(await get(researcher, "/staff")).not.toContain('href="/staff/admin"');
      const html = await get(admin, "/staff/admin");
      for (const href of ["/staff/admin/pilots", "/staff/admin/staff", "/staff/admin/tokens", "/staff/admin/archive"])
        expect(html).toContain(`href="${href}"`);
      expect(html).toContain("Export en herstel");
    },
  );

  it(
    "only admins: a researcher gets the staff 403 page " + "on every admin screen and form, anonymous callers 401",
    async () => {
      const u = await staffUser();
      const gets = [
        "/staff/admin",
        "/staff/admin/pilots",
        "/staff/admin/pilots/new",
        `/staff/admin/pilots/${existing.key}`,
        "/staff/admin/staff",
        "/staff/admin/staff/new",
        `/staff/admin/staff/${u.id}`,
        "/staff/admin/tokens",
      ];
      for (const path of gets) {
        const html = await get(researcher, path, 403);
        expect(html).toContain('data-status="403"');
        expect((await call(null, "GET", path)).status).toBe(401);
      }
      const before = (await db().select().from(schema.auditLog)).length;
      const posts: [string, Record<string, string>][] = [
        ["/staff/admin/pilots", { key: uniqueKey("nope"), name: "x", organisation: "y" }],
        [
          `/staff/admin/pilots/${existing.key}`,
          { name: "Overgenomen", organisation: "y", timezone: "Europe/Amsterdam" },
        ],
        [
          `/staff/admin/pilots/${existing.key}/items`,
          { "items.0.key": "a1", "items.0.textNl": "x", "items.0.textEn": "x" },
        ],
        ["/staff/admin/staff", { email: `${uniqueKey("x")}@example.test`, name: "x", isAdmin: "1" }],
        [`/staff/admin/staff/${u.id}/roles`, { projectCoordinator: "1" }],
        [`/staff/admin/staff/${u.id}/disable`, { confirm: "1" }],
        ["/staff/admin/tokens", { name: "x", role: "admin" }],
        ["/staff/admin/tokens/1/revoke", {}],
      ];
      for (const [path, fields] of posts) expect((await post(researcher, path, fields)).status, path).toBe(403);
      expect((await db().select().from(schema.auditLog)).length).toBe(before);
      expect((await pilotRow(existing.key))!.name).toBe(existing.name);
    },
  );
});

describe("every admin form", () => {
  it(
    "refuses a post without or with a wrong CSRF token (403) " +
      "and an oversized body (413), storing and auditing nothing",
    async () => {
      const u = await staffUser();
      const [tok] = await db()
        .insert(schema.apiTokens)
        .values({ name: "csrf-test", tokenHash: uniqueKey("hash"), role: "admin" })
        .returning();
      const forms: [string, Record<string, string>][] = [
        ["/staff/admin/pilots", { key: uniqueKey("csrf"), name: "x", organisation: "y", timezone: "Europe/Amsterdam" }],
        [
          `/staff/admin/pilots/${existing.key}`,
          { name: "Overgenomen", organisation: "y", timezone: "Europe/Amsterdam", frequentInstruments: "welzijn" },
        ],
        [
          `/staff/admin/pilots/${existing.key}/items`,
          { "items.0.key": "a1", "items.0.textNl": "x", "items.0.textEn": "x" },
        ],
        ["/staff/admin/staff", { email: `${uniqueKey("x")}@example.test`, name: "x" }],
        [`/staff/admin/staff/${u.id}/roles`, { projectCoordinator: "1" }],
        [`/staff/admin/staff/${u.id}/disable`, { confirm: "1" }],
        ["/staff/admin/tokens", { name: "x", role: "admin" }],
        [`/staff/admin/tokens/${tok!.id}/revoke`, {}],
      ];
      const before = (await db().select().from(schema.auditLog)).length;
      for (const [path, fields] of forms) {
        expect((await post(admin, path, fields, { csrf: null })).status, `${path} without token`).toBe(403);
        expect((await post(admin, path, fields, { csrf: "A".repeat(43) })).status, `${path} wrong token`).toBe(403);
        expect((await post(admin, path, { ...fields, pad: "x".repeat(70 * 1024) })).status, `${path} oversized`).toBe(
          413,
        );
      }
      expect((await db().select().from(schema.auditLog)).length).toBe(before);
      expect((await staffRow(u.email))!.disabledAt).toBeNull();
    },
  );
});

describe("pilots", () => {
  it(
    "creates a pilot (key, name, organisation, time zone), " +
      "installs the built-in instruments, audits, and lists it",
    async () => {
      const key = uniqueKey("np");
      const form = await get(admin, "/staff/admin/pilots/new");
      for (const [id, label] of [
        ["key", "Sleutel"],
        ["name", "Naam"],
        ["organisation", "Organisatie"],
        ["timezone", "Tijdzone"],
      ])
        expect(form).toMatch(new RegExp(`<label for="${id}">${label}`));
      expect(form).toMatch(/id="timezone" name="timezone" type="text" value="Europe\/Amsterdam"/);
      const res = await post(admin, "/staff/admin/pilots", {
        key,
        name: "Nieuwe pilot",
        organisation: "Zorg & Co",
        timezone: "Europe/Brussels",
      });
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe(`/staff/admin/pilots/${key}?done=created`);
      const row = (await pilotRow(key))!;
      expect(row).toMatchObject({ name: "Nieuwe pilot", organisation: "Zorg & Co", timezone: "Europe/Brussels" });
      expect((await audits("pilot.create", key)).length).toBe(1);
      const installed = (await db().select().from(schema.instruments)).map((i) => i.key);
      expect(installed).toEqual(expect.arrayContaining(["welzijn", "functioneren", "basisbehoeften", "gcir"]));
      const page = await get(admin, `/staff/admin/pilots/${key}?done=created`);
      expect(page).toContain('id="admin-notice"');
      expect(page).toContain("De pilot is aangemaakt.");
      expect(await get(admin, "/staff/admin/pilots")).toContain(`href="/staff/admin/pilots/${key}"`);
    },
  );

  it("a pilot with built-in items of its own gets them attached on creation", async () => {
    await db().delete(schema.pilots).where(eq(schema.pilots.key, "viajeugd"));
    const res = await post(admin, "/staff/admin/pilots", {
      key: "viajeugd",
      name: "Via Jeugd",
      organisation: "Via Jeugd",
      timezone: "Europe/Amsterdam",
    });
    expect(res.status).toBe(303);
    const pilot = (await pilotRow("viajeugd"))!;
    const [items] = await db().select().from(schema.instruments).where(eq(schema.instruments.key, "pilot_viajeugd"));
    expect(items?.pilotId).toBe(pilot.id);
    expect((pilot.settings as { frequentInstruments: string[] }).frequentInstruments).toContain("pilot_viajeugd");
  });

  it(
    "refuses bad keys, a taken key, an unknown time zone, empty " +
      "names and repeated fields beside the field, keeping the values",
    async () => {
      const count = async () => (await db().select().from(schema.pilots)).length;
      const before = await count();
      const cases: [Record<string, string | string[]>, string, number, string][] = [
        [
          { key: "Bad Key!", name: "Naam blijft", organisation: "Org", timezone: "Europe/Amsterdam" },
          "key",
          400,
          "kleine letters, cijfers of -",
        ],
        [
          { key: "x", name: "Naam blijft", organisation: "Org", timezone: "Europe/Amsterdam" },
          "key",
          400,
          "2 tot 40 tekens",
        ],
        [
          { key: existing.key, name: "Naam blijft", organisation: "Org", timezone: "Europe/Amsterdam" },
          "key",
          409,
          "Er is al een pilot met deze sleutel.",
        ],
        [
          { key: uniqueKey("tz"), name: "Naam blijft", organisation: "Org", timezone: "Mars/Olympus_Mons" },
          "timezone",
          400,
          "Onbekende tijdzone",
        ],
        [
          { key: uniqueKey("nn"), name: "   ", organisation: "Org", timezone: "Europe/Amsterdam" },
          "name",
          400,
          "Vul 1 tot 120 tekens in.",
        ],
        [
          { key: uniqueKey("lo"), name: "Naam blijft", organisation: "o".repeat(121), timezone: "Europe/Amsterdam" },
          "organisation",
          400,
          "Vul 1 tot 120 tekens in.",
        ],
        [
          {
            key: [uniqueKey("r1"), uniqueKey("r2")],
            name: "Naam blijft",
            organisation: "Org",
            timezone: "Europe/Amsterdam",
          },
          "key",
          400,
          "meer dan één keer verstuurd",
        ],
      ];
      for (const [fields, field, status, message] of cases) {
        const res = await post(admin, "/staff/admin/pilots", fields);
        expect(res.status, JSON.stringify(fields)).toBe(status);
        const html = await res.text();
        errorBeside(html, field);
        expect(html).toContain(message);
        expect(html).toContain(fields.name === "Naam blijft" ? 'value="Naam blijft"' : 'value="   "');
      }
      expect(await count()).toBe(before);
    },
  );

  it("stores a name with markup verbatim and escapes it on every page", async () => {
    const key = uniqueKey("xs");
    const name = `<script>alert("x")</script> & Co`;
    expect(
      (
        await post(admin, "/staff/admin/pilots", {
          key,
          name,
          organisation: "<b>Org</b>",
          timezone: "Europe/Amsterdam",
        })
      ).status,
    ).toBe(303);
    expect((await pilotRow(key))!.name).toBe(name);
    for (const path of ["/staff/admin/pilots", `/staff/admin/pilots/${key}`]) {
      const html = await get(admin, path);
      expect(html).not.toContain("<script>");
      expect(html).not.toContain("<b>Org");
      expect(html).toContain("&lt;script>alert(&quot;x&quot;)&lt;/script> &amp; Co");
    }
  });

  it(
    "refuses a form without or with a wrong CSRF token, " + "from another origin, and an oversized form (413)",
    async () => {
      const key = uniqueKey("cs");
      const fields = { key, name: "x", organisation: "y", timezone: "Europe/Amsterdam" };
      expect((await post(admin, "/staff/admin/pilots", fields, { csrf: null })).status).toBe(403);
      expect((await post(admin, "/staff/admin/pilots", fields, { csrf: "A".repeat(43) })).status).toBe(403);
      const other = await sessionFor((await staffUser({ admin: true })).id);
      expect((await post(admin, "/staff/admin/pilots", fields, { csrf: other.csrf })).status).toBe(403);
      const body = new URLSearchParams({ _csrf: admin.csrf!, ...fields });
      expect(
        (
          await call(admin, "POST", "/staff/admin/pilots", body, {
            csrf: false,
            headers: { origin: "https://evil.example" },
          })
        ).status,
      ).toBe(403);
      const big = await post(admin, "/staff/admin/pilots", { ...fields, name: "x".repeat(20 * 1024) });
      expect(big.status).toBe(413);
      expect(await big.text()).toContain('data-status="413"');
      expect(await pilotRow(key)).toBeUndefined();
    },
  );

  it(
    "edits name, organisation, time zone and instruments through " +
      "the same function as PATCH /api/v1/pilots/:pilot, audited",
    async () => {
      const { pilot } = await makePilot({
        settings: { frequentInstruments: ["welzijn", "functioneren"], waveInstruments: [] },
      });
      const path = `/staff/admin/pilots/${pilot.key}`;
      const html = await get(admin, path);
      expect(html).toMatch(/id="frequentInstruments-welzijn" checked/);
      expect(html).toMatch(/id="frequentInstruments-basisbehoeften"(?! checked)/);
      const res = await post(admin, path, {
        name: "Andere naam",
        organisation: "Andere organisatie",
        timezone: "Europe/London",
        frequentInstruments: ["welzijn", "functioneren", "basisbehoeften"],
        waveInstruments: ["gcir"],
      });
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe(`${path}?done=saved`);
      const row = (await pilotRow(pilot.key))!;
      expect(row).toMatchObject({ name: "Andere naam", organisation: "Andere organisatie", timezone: "Europe/London" });
      expect(row.settings).toMatchObject({
        frequentInstruments: ["welzijn", "functioneren", "basisbehoeften"],
        waveInstruments: ["gcir"],
      });
      const [update] = await audits("pilot.update", pilot.key);
      expect(update?.details).toMatchObject({ fields: ["name", "organisation"] });
      expect(
        (
          await db()
            .select()
            .from(schema.auditLog)
            .where(and(eq(schema.auditLog.pilotId, pilot.id), eq(schema.auditLog.action, "pilot.settings_update")))
        ).length,
      ).toBe(1);
      // nothing changed: nothing stored or audited
      const same = await post(admin, path, {
        name: "Andere naam",
        organisation: "Andere organisatie",
        timezone: "Europe/London",
        frequentInstruments: ["basisbehoeften", "welzijn", "functioneren"],
        waveInstruments: ["gcir"],
      });
      expect(same.headers.get("location")).toBe(`${path}?done=unchanged`);
      expect((await audits("pilot.update", pilot.key)).length).toBe(1);
      // the API: the same function, the same refusals
      const api = await call(admin, "PATCH", `/api/v1/pilots/${pilot.key}`, { organisation: "Via de API" });
      expect(api.status).toBe(200);
      expect(await api.json()).toEqual({
        key: pilot.key,
        name: "Andere naam",
        organisation: "Via de API",
        timezone: "Europe/London",
        frequentInstruments: ["welzijn", "functioneren", "basisbehoeften"],
        waveInstruments: ["gcir"],
      });
      const badTz = await call(admin, "PATCH", `/api/v1/pilots/${pilot.key}`, { timezone: "Nowhere/Land" });
      expect(badTz.status).toBe(400);
      expect(((await badTz.json()) as { error: { details: { path: string }[] } }).error.details[0]!.path).toBe(
        "timezone",
      );
      expect((await call(admin, "PATCH", `/api/v1/pilots/${pilot.key}`, { key: "other" })).status).toBe(400);
      expect((await call(admin, "PATCH", `/api/v1/pilots/${pilot.key}`, {})).status).toBe(400);
      expect((await call(admin, "PATCH", "/api/v1/pilots/does-not-exist", { name: "x" })).status).toBe(404);
      expect((await call(researcher, "PATCH", `/api/v1/pilots/${existing.key}`, { name: "x" })).status).toBe(403);
    },
  );

  it(
    "refuses an unknown time zone, no frequent questionnaire " +
      "and an unknown instrument beside the field, storing nothing",
    async () => {
      const { pilot } = await makePilot({ settings: { frequentInstruments: ["welzijn"], waveInstruments: [] } });
      const path = `/staff/admin/pilots/${pilot.key}`;
      const base = {
        name: "Gewijzigd",
        organisation: pilot.organisation,
        timezone: pilot.timezone,
        frequentInstruments: ["welzijn"],
      };
      const cases: [Record<string, string | string[]>, string][] = [
        [{ ...base, timezone: "Europe/Atlantis" }, "timezone"],
        [{ name: "Gewijzigd", organisation: pilot.organisation, timezone: pilot.timezone }, "frequentInstruments"],
        [{ ...base, frequentInstruments: ["welzijn", "made_up"] }, "frequentInstruments"],
        [{ ...base, waveInstruments: ["welzijn"] }, "waveInstruments"],
        [{ ...base, name: "" }, "name"],
        [{ ...base, timezone: ["Europe/Amsterdam", "Europe/Paris"] }, "timezone"],
      ];
      for (const [fields, field] of cases) {
        const res = await post(admin, path, fields);
        expect(res.status, JSON.stringify(fields)).toBe(400);
        const html = await res.text();
        expect(html, field).toContain(`id="${field}-error"`);
        expect(html).toContain(`href="#${field}"`);
      }
      expect((await pilotRow(pilot.key))!.name).toBe(pilot.name);
      expect((await audits("pilot.update", pilot.key)).length).toBe(0);
    },
  );

  it(
    "sets the pilot's own items as a new instrument version (audited), " +
      "unchanged items make none, bad items are refused beside the field",
    async () => {
      const { pilot } = await makePilot();
      const path = `/staff/admin/pilots/${pilot.key}/items`;
      const items = {
        "items.0.key": "toekomst",
        "items.0.type": "slider",
        "items.0.textNl": "Ik heb een plan voor later.",
        "items.0.textEn": "I have a plan for later.",
        "items.0.lowNl": "",
        "items.0.lowEn": "",
        "items.0.highNl": "",
        "items.0.highEn": "",
        "items.1.key": "",
        "items.1.textNl": "",
        "items.1.textEn": "",
        "items.2.key": "school",
        "items.2.type": "yesno",
        "items.2.textNl": "Was je deze week op school?",
        "items.2.textEn": "Were you at school this week?",
      };
      const res = await post(admin, path, items);
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe(`/staff/admin/pilots/${pilot.key}?done=items&version=1#items-title`);
      const [inst] = await db()
        .select()
        .from(schema.instruments)
        .where(eq(schema.instruments.key, `pilot_${pilot.key}`));
      expect(inst?.pilotId).toBe(pilot.id);
      const [version] = await db()
        .select()
        .from(schema.instrumentVersions)
        .where(eq(schema.instrumentVersions.instrumentId, inst!.id));
      expect(
        (version!.definition as { items: { key: string; type: string }[] }).items.map((i) => [i.key, i.type]),
      ).toEqual([
        ["toekomst", "slider"],
        ["school", "yesno"],
      ]);
      expect((await audits("instrument.pilot_items_version", `pilot_${pilot.key}`)).length).toBe(1);
      const page = await get(admin, `/staff/admin/pilots/${pilot.key}?done=items&version=1`);
      expect(page).toContain("versie 1");
      expect(page).toContain('value="Ik heb een plan voor later."');
      // the same items again: no new version
      expect((await post(admin, path, items)).headers.get("location")).toContain("done=itemsUnchanged");
      expect((await audits("instrument.pilot_items_version", `pilot_${pilot.key}`)).length).toBe(1);
      // bad items: beside the field of the row they were typed in
      const bad: [Record<string, string>, string][] = [
        [{ ...items, "items.2.key": "Bad-Key" }, "items-2-key"],
        [{ ...items, "items.2.textEn": "" }, "items-2-textEn"],
        [{ ...items, "items.0.textNl": "Over uitbuiting" }, "items-0-textNl"],
        [{ ...items, "items.0.lowNl": "<b>laag</b>" }, "items-0-lowEn"],
        [{ ...items, "items.2.key": "toekomst" }, "items"],
        [{ "items.0.key": "", "items.0.textNl": "", "items.0.textEn": "" }, "items"],
        [{ ...items, "items.0.type": "essay" }, "items-0-type"],
      ];
      for (const [fields, field] of bad) {
        const r = await post(admin, path, fields);
        expect(r.status, field).toBe(400);
        const html = await r.text();
        expect(html, field).toContain(`id="${field}-error"`);
        if (fields["items.2.key"]) expect(html).toContain(`value="${fields["items.2.key"]}"`);
      }
      expect((await audits("instrument.pilot_items_version", `pilot_${pilot.key}`)).length).toBe(1);
    },
  );
});

describe("staff users", () => {
  it(
    "adds a staff user with e-mail, name and the researcher " + "role on one pilot, audited, shown with her roles",
    async () => {
      const email = `${uniqueKey("nieuw")}@example.test`;
      const form = await get(admin, "/staff/admin/staff/new");
      expect(form).toMatch(/<label for="email">E-mailadres<\/label>/);
      expect(form).toMatch(/<label for="name">Naam<\/label>/);
      expect(form).toContain(`name="role:${existing.key}"`);
      const res = await post(admin, "/staff/admin/staff", {
        email: email.toUpperCase(),
        name: "Nieuwe onderzoeker",
        [`role:${existing.key}`]: "researcher",
      });
      expect(res.status).toBe(303);
      const user = (await staffRow(email))!;
      expect(res.headers.get("location")).toBe(`/staff/admin/staff/${user.id}?done=staffCreated`);
      expect(user).toMatchObject({ name: "Nieuwe onderzoeker", isAdmin: false });
      const roles = await db().select().from(schema.staffRoles).where(eq(schema.staffRoles.userId, user.id));
      expect(roles.map((r) => [r.pilotId, r.role])).toEqual([[existing.id, "researcher"]]);
      const [audit] = await audits("staff.create", `staff:${user.id}`);
      expect(audit?.details).toMatchObject({ isAdmin: false, roles: [{ pilot: existing.key, role: "researcher" }] });
      const page = await get(admin, `/staff/admin/staff/${user.id}?done=staffCreated`);
      expect(page).toContain(email);
      expect(page).toContain('id="admin-notice"');
      expect(page).toMatch(/<option value="researcher" selected/);
      const list = await get(admin, "/staff/admin/staff");
      expect(list).toContain(email);
      expect(list).toContain(`onderzoeker (${existing.key})`);
      // she can work in that pilot now
      const s = await sessionFor(user.id);
      expect((await call(s, "GET", `/staff/pilots/${existing.key}`)).status).toBe(200);
    },
  );

  it("adds an admin and a project coordinator", async () => {
    const email = `${uniqueKey("pc")}@example.test`;
    expect(
      (
        await post(admin, "/staff/admin/staff", {
          email,
          name: "Projectcoördinator",
          isAdmin: "1",
          projectCoordinator: "1",
        })
      ).status,
    ).toBe(303);
    const user = (await staffRow(email))!;
    expect(user.isAdmin).toBe(true);
    expect(
      (await db().select().from(schema.staffRoles).where(eq(schema.staffRoles.userId, user.id))).map((r) => [
        r.pilotId,
        r.role,
      ]),
    ).toEqual([[null, "project_coordinator"]]);
  });

  it(
    "refuses a malformed or taken e-mail, an unknown pilot or " +
      "role, an empty name and repeated fields, storing nothing",
    async () => {
      const taken = (await staffUser()).email;
      const count = async () => (await db().select().from(schema.staffUsers)).length;
      const before = await count();
      const cases: [Record<string, string | string[]>, string, number, string][] = [
        [{ email: "geen-adres", name: "Naam blijft" }, "email", 400, "Vul een geldig e-mailadres in"],
        [{ email: "a@b", name: "Naam blijft" }, "email", 400, "Vul een geldig e-mailadres in"],
        [
          { email: taken.toUpperCase(), name: "Naam blijft" },
          "email",
          409,
          "Er is al een medewerker met dit e-mailadres.",
        ],
        [
          { email: `${uniqueKey("u")}@example.test`, name: "Naam blijft", "role:bestaat-niet": "researcher" },
          "roles",
          400,
          "Onbekende pilot of rol",
        ],
        [
          { email: `${uniqueKey("u")}@example.test`, name: "Naam blijft", [`role:${existing.key}`]: "admin" },
          "roles",
          400,
          "Onbekende pilot of rol",
        ],
        [{ email: `${uniqueKey("u")}@example.test`, name: "" }, "name", 400, "Vul 1 tot 120 tekens in."],
        [
          { email: [`${uniqueKey("u")}@example.test`, `${uniqueKey("v")}@example.test`], name: "Naam blijft" },
          "email",
          400,
          "meer dan één keer verstuurd",
        ],
        [
          {
            email: `${uniqueKey("u")}@example.test`,
            name: "Naam blijft",
            [`role:${existing.key}`]: ["researcher", "coordinator"],
          },
          "roles",
          400,
          "meer dan één keer verstuurd",
        ],
      ];
      for (const [fields, field, status, message] of cases) {
        const res = await post(admin, "/staff/admin/staff", fields);
        expect(res.status, JSON.stringify(fields)).toBe(status);
        const html = await res.text();
        expect(html, field).toContain(`id="${field}-error"`);
        expect(html).toContain(`href="#${field}"`);
        expect(html).toContain(message);
        if (fields.name === "Naam blijft") expect(html).toContain('value="Naam blijft"');
      }
      expect(await count()).toBe(before);
    },
  );

  it("stores a name with markup verbatim and escapes it in the list", async () => {
    const email = `${uniqueKey("xs")}@example.test`;
    expect((await post(admin, "/staff/admin/staff", { email, name: "<img src=x onerror=alert(1)>" })).status).toBe(303);
    expect((await staffRow(email))!.name).toBe("<img src=x onerror=alert(1)>");
    const html = await get(admin, "/staff/admin/staff");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;img src=x onerror=alert(1)>");
  });

  it("changes a user's roles (audited) and refuses unknown pilots without changing anything", async () => {
    const other = await makePilot();
    const u = await staffUser({ roles: [{ role: "researcher", pilotId: existing.id }] });
    const path = `/staff/admin/staff/${u.id}/roles`;
    const res = await post(admin, path, { [`role:${existing.key}`]: "", [`role:${other.pilot.key}`]: "coordinator" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/staff/admin/staff/${u.id}?done=roles`);
    const rolesOf = async () =>
      (await db().select().from(schema.staffRoles).where(eq(schema.staffRoles.userId, u.id))).map((r) => [
        r.pilotId,
        r.role,
      ]);
    expect(await rolesOf()).toEqual([[other.pilot.id, "coordinator"]]);
    expect((await audits("staff.roles", `staff:${u.id}`)).length).toBe(1);
    const bad = await post(admin, path, { "role:bestaat-niet": "researcher" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('id="roles-error"');
    expect(await rolesOf()).toEqual([[other.pilot.id, "coordinator"]]);
    expect((await post(admin, "/staff/admin/staff/999999/roles", {})).status).toBe(404);
  });

  it(
    "disables a user only after the confirm step: her sessions " +
      "end at once, audited; an admin cannot disable herself",
    async () => {
      const u = await staffUser({ roles: [{ role: "researcher", pilotId: existing.id }] });
      const s = await sessionFor(u.id);
      const path = `/staff/admin/staff/${u.id}/disable`;
      const page = await get(admin, `/staff/admin/staff/${u.id}`);
      expect(page).toContain('id="disable-form"');
      expect(page).toMatch(/<input type="checkbox" name="confirm" value="1" id="confirm" required/);
      const unconfirmed = await post(admin, path, {});
      expect(unconfirmed.status).toBe(400);
      expect(await unconfirmed.text()).toContain('id="confirm-error"');
      expect((await call(s, "GET", "/staff")).status).toBe(200);
      const res = await post(admin, path, { confirm: "1" });
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe(`/staff/admin/staff/${u.id}?done=disabled`);
      expect((await call(s, "GET", "/staff")).status).toBe(401);
      expect((await db().select().from(schema.staffSessions).where(eq(schema.staffSessions.userId, u.id))).length).toBe(
        0,
      );
      expect((await staffRow(u.email))!.disabledAt).not.toBeNull();
      expect((await audits("staff.disable", `staff:${u.id}`)).length).toBe(1);
      const after = await get(admin, `/staff/admin/staff/${u.id}?done=disabled`);
      expect(after).toContain('id="staff-disabled"');
      expect(after).not.toContain('id="disable-form"');
      // herself: no form, and a forged post is refused
      expect(await get(admin, `/staff/admin/staff/${adminId}`)).not.toContain('id="disable-form"');
      const self = await post(admin, `/staff/admin/staff/${adminId}/disable`, { confirm: "1" });
      expect(self.status).toBe(400);
      expect(await self.text()).toContain("Je kunt je eigen account niet uitschakelen.");
      expect((await call(admin, "GET", "/staff")).status).toBe(200);
      // the API refuses it the same way
      const api = await call(admin, "POST", `/api/v1/staff/${adminId}/disable`);
      expect(api.status).toBe(400);
      expect((await staffRow((await userEmail(adminId))!))!.disabledAt).toBeNull();
    },
  );
});

describe("API tokens", () => {
  it(
    "creates a token and shows its secret exactly once (not " +
      "cached), never in the list; it works until revoked; both audited",
    async () => {
      const page = await get(admin, "/staff/admin/tokens");
      expect(page).toMatch(/<label for="name">Naam van de sleutel/);
      expect(page).toMatch(/<label for="role">Rol van de sleutel/);
      const res = await post(admin, "/staff/admin/tokens", {
        name: "Export script",
        role: "coordinator",
        pilots: [existing.key],
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
      const html = await res.text();
      const secret = /id="token-secret">(omt_[A-Za-z0-9_-]+)</.exec(html)?.[1];
      expect(secret).toBeDefined();
      expect(html.split(secret!).length - 1).toBe(1);
      expect(html).toContain("Het wordt niet nog eens getoond");
      const [row] = await db().select().from(schema.apiTokens).where(eq(schema.apiTokens.name, "Export script"));
      expect(row).toMatchObject({ role: "coordinator", pilotIds: [existing.id], userId: adminId });
      expect(row!.tokenHash).not.toContain(secret!);
      expect((await audits("token.create", `token:${row!.id}`)).length).toBe(1);
      const list = await get(admin, "/staff/admin/tokens");
      expect(list).toContain("Export script");
      expect(list).not.toContain(secret!);
      expect(list).not.toContain("omt_");
      const bearer = {
        label: "new token",
        userId: null,
        email: null,
        csrf: null,
        headers: { authorization: `Bearer ${secret}` },
      };
      expect((await call(bearer, "GET", `/api/v1/pilots/${existing.key}/settings`)).status).toBe(200);
      // revoke
      const revoke = await post(admin, `/staff/admin/tokens/${row!.id}/revoke`, {});
      expect(revoke.status).toBe(303);
      expect(revoke.headers.get("location")).toBe("/staff/admin/tokens?done=revoked");
      expect((await call(bearer, "GET", `/api/v1/pilots/${existing.key}/settings`)).status).toBe(401);
      expect((await audits("token.revoke", `token:${row!.id}`)).length).toBe(1);
      expect(await get(admin, "/staff/admin/tokens?done=revoked")).toContain("De API-sleutel is ingetrokken.");
      expect((await post(admin, `/staff/admin/tokens/${row!.id}/revoke`, {})).status).toBe(404);
    },
  );

  it(
    "refuses an empty name, a role without its pilots, pilots on " +
      "an all-pilot role, an unknown pilot or role and repeated fields",
    async () => {
      const count = async () => (await db().select().from(schema.apiTokens)).length;
      const before = await count();
      const cases: [Record<string, string | string[]>, string][] = [
        [{ name: "", role: "admin" }, "name"],
        [{ name: "Naam blijft", role: "researcher" }, "pilots"],
        [{ name: "Naam blijft", role: "admin", pilots: [existing.key] }, "pilots"],
        [{ name: "Naam blijft", role: "coordinator", pilots: ["bestaat-niet"] }, "pilots"],
        [{ name: "Naam blijft", role: "superuser" }, "role"],
        [{ name: ["a", "b"], role: "admin" }, "name"],
      ];
      for (const [fields, field] of cases) {
        const res = await post(admin, "/staff/admin/tokens", fields);
        expect(res.status, JSON.stringify(fields)).toBe(400);
        const html = await res.text();
        expect(html, field).toContain(`id="${field}-error"`);
        expect(html).toContain(`href="#${field}"`);
        if (fields.name === "Naam blijft") expect(html).toContain('value="Naam blijft"');
      }
      expect(await count()).toBe(before);
    },
  );
});
