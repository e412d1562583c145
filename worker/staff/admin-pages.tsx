// The admin screens over HTTP (admins only; session cookie with CSRF as every staff form): pilots, staff
// users and API tokens. Each form is turned into the API's body and parsed by the API's zod schema, then
// handed to the same function the API calls (./admin-service.ts), so validation and audit cannot drift.
// Refusals come back beside their field with the values as typed; successes redirect to a notice.
import { renderStaffView } from "../http/staff-view";
import type { Context } from "hono";
import type { z } from "zod";
import {
  AdminHomePage,
  itemFieldId,
  PilotEditPage,
  PilotListPage,
  PilotNewPage,
  StaffEditPage,
  StaffListPage,
  StaffNewPage,
  TokenCreatedPage,
  TokensPage,
  type FieldErrors,
  type PilotEditValues,
  type PilotFormValues,
  type PilotItemRow,
  type RoleFormValues,
  type StaffFormValues,
  type TokenFormValues,
} from "../../web/pages/staff/AdminPages";
import { t, type MessageKey } from "../../core/i18n/messages";
import type { InstrumentDefinition } from "../../schema/instruments/definitions";
import type { schema } from "../db";
import { AppError } from "../errors";
import { page, mount } from "../http/operation";
import { savePilotItems } from "../studies/config";
import {
  pilotBody,
  pilotItemsBody,
  pilotPatchBody,
  staffRolesBody,
  staffUserBody,
  tokenBody,
} from "../studies/validators";
import { TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS } from "../../core/api-tokens";
import { ADMIN_BODY_LIMIT } from "./admin";
import {
  createPilot,
  createStaffUser,
  createToken,
  DEFAULT_TIMEZONE,
  instrumentChoices,
  pilotItemsDefinition,
  disableStaffUser,
  listPilots,
  listStaff,
  listTokens,
  pilotByKey,
  pilotView,
  replaceRoles,
  revokeToken,
  staffId,
  updatePilot,
  userView,
  type StaffUserView,
} from "./admin-service";
import { actorOf, formBody, type StaffEnv } from "../http/auth";
import { staffPageError } from "../http/page-error";

type Ctx = Context<StaffEnv>;
type Pilot = typeof schema.pilots.$inferSelect;
type Form = Record<string, string | File | (string | File)[]>;

/** The items form has up to 12 items with six texts each, like PUT /pilots/{pilot}/items. */
const ITEMS_LIMIT = 64 * 1024;
const MAX_ITEMS = 12;
const BLANK_ITEM_ROWS = 2;
const FORM_ROWS = Array.from({ length: MAX_ITEMS }, (_r, i) => i);

/** Reads a posted form; a field sent more than once (other than the listed multi-value ones) is refused. */
async function readForm(c: Ctx, multi: string[] = []) {
  const form = (await formBody(c, { all: true })) as Form;
  const repeated = Object.keys(form).filter((k) => Array.isArray(form[k]) && !multi.includes(k) && k !== "_csrf");
  const one = (k: string) => {
    const v = form[k];
    return typeof v === "string" ? v : Array.isArray(v) && typeof v[0] === "string" ? v[0] : "";
  };
  const many = (k: string) => {
    const v = form[k];
    return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === "string");
  };
  return { form, one, many, repeated };
}

/** Messages beside fields: the first issue per field wins. */
function collect(
  paths: string[],
  fieldOf: (path: string) => string,
  messageOf: (field: string, path: string) => string,
): FieldErrors {
  const out: FieldErrors = {};
  for (const path of paths) {
    const field = fieldOf(path);
    out[field] ??= messageOf(field, path);
  }
  return out;
}
const repeatedErrors = (repeated: string[], fieldOf: (k: string) => string) =>
  collect(repeated, fieldOf, () => t("staff.admin.error.repeated"));
/** The field paths a refusal from the service names (AppError details), or none. */
const detailPaths = (e: AppError) =>
  Array.isArray(e.details)
    ? (e.details as { path?: unknown }[]).map((d) => (typeof d.path === "string" ? d.path : ""))
    : [""];
const issuePaths = (e: z.ZodError) => e.issues.map((i) => i.path.join("."));

// ---- pilots -------------------------------------------------------------------------------------------

function pilotField(path: string): string {
  const top = path.split(".")[0] ?? "";
  if (path.includes("timezone")) return "timezone";
  if (["key", "name", "organisation", "frequentInstruments", "waveInstruments"].includes(top)) return top;
  if (path.startsWith("schedule.instrumentEvery")) return "frequentInstruments";
  return "form";
}
function pilotMessage(field: string, conflict = false): string {
  if (field === "key") return t(conflict ? "staff.admin.error.keyTaken" : "staff.admin.error.key");
  if (field === "name" || field === "organisation") return t("staff.admin.error.text");
  if (field === "timezone") return t("staff.admin.error.timezone");
  if (field === "frequentInstruments") return t("staff.admin.error.frequent");
  if (field === "waveInstruments") return t("staff.admin.error.wave");
  return t("error.validation");
}
const serviceErrors = (
  e: unknown,
  fieldOf: (p: string) => string,
  messageOf: (field: string, conflict: boolean) => string,
): FieldErrors | null => {
  if (!(e instanceof AppError) || (e.code !== "validation" && e.code !== "conflict")) return null;
  return collect(detailPaths(e), fieldOf, (field) => messageOf(field, e.code === "conflict"));
};
/**
 * A form's write: refused with a message beside each field when the body does not parse or the service refuses
 * it (`conflict` when it named a taken value), else what `write` answers.
 */
async function submit<T>(
  parsed: z.ZodSafeParseResult<T>,
  fieldOf: (path: string) => string,
  messageOf: (field: string, conflict?: boolean) => string,
  refuse: (errors: FieldErrors, conflict: boolean) => Response | Promise<Response>,
  write: (data: T) => Promise<Response>,
): Promise<Response> {
  if (!parsed.success)
    return refuse(
      collect(issuePaths(parsed.error), fieldOf, (f) => messageOf(f)),
      false,
    );
  try {
    return await write(parsed.data);
  } catch (e) {
    const errors = serviceErrors(e, fieldOf, messageOf);
    if (errors) return refuse(errors, (e as AppError).code === "conflict");
    throw e;
  }
}

function itemRows(definition: InstrumentDefinition | undefined): PilotItemRow[] {
  const rows: PilotItemRow[] = (definition?.items ?? []).map((i) => ({
    key: i.key,
    type: i.type,
    textNl: i.text.nl,
    textEn: i.text.en,
    lowNl: i.type === "slider" ? (i.low?.nl ?? "") : "",
    lowEn: i.type === "slider" ? (i.low?.en ?? "") : "",
    highNl: i.type === "slider" ? (i.high?.nl ?? "") : "",
    highEn: i.type === "slider" ? (i.high?.en ?? "") : "",
    leftCare: i.type === "slider" && i.onlyWhenLeftCare === true,
  }));
  return withBlankRows(rows);
}
const withBlankRows = (rows: PilotItemRow[]) => {
  const blank = {
    key: "",
    type: "slider",
    textNl: "",
    textEn: "",
    lowNl: "",
    lowEn: "",
    highNl: "",
    highEn: "",
    leftCare: false,
  };
  const out = [...rows];
  for (let i = 0; i < BLANK_ITEM_ROWS && out.length < MAX_ITEMS; i++) out.push({ ...blank });
  return out;
};

async function pilotEditPage(
  c: Ctx,
  pilot: Pilot,
  opts: {
    values?: PilotEditValues;
    items?: PilotItemRow[];
    errors?: FieldErrors;
    notice?: string;
    status?: 200 | 400 | 409;
  } = {},
) {
  const view = pilotView(pilot);
  const values = opts.values ?? {
    name: pilot.name,
    organisation: pilot.organisation,
    timezone: pilot.timezone,
    frequentInstruments: view.frequentInstruments,
    waveInstruments: view.waveInstruments,
  };
  const choices = await instrumentChoices(c.env.DB, pilot, {
    frequent: view.frequentInstruments,
    wave: view.waveInstruments,
  });
  const items =
    opts.items ?? itemRows((await pilotItemsDefinition(c.env.DB, pilot.key)) as InstrumentDefinition | undefined);
  return renderStaffView(
    c,
    PilotEditPage,
    {
      pilot: { key: pilot.key, name: pilot.name },
      values,
      ...choices,
      items,
      errors: opts.errors,
      notice: opts.notice,
    },
    opts.status ?? 200,
  );
}

/** Kept instruments in their configured order, newly ticked ones after them. */
const ordered = (current: string[], ticked: string[]) => [
  ...current.filter((k) => ticked.includes(k)),
  ...ticked.filter((k) => !current.includes(k)),
];
const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((k) => b.includes(k));

/** The items form → the API's items body; `rowOf[i]` is the form row of body item i (blank rows are left out). */
function itemsFromForm(one: (k: string) => string) {
  const rows: PilotItemRow[] = [];
  for (let i = 0; i < MAX_ITEMS; i++) {
    const f = (k: string) => one(`items.${i}.${k}`).trim();
    rows.push({
      key: f("key"),
      type: f("type") || "slider",
      textNl: f("textNl"),
      textEn: f("textEn"),
      lowNl: f("lowNl"),
      lowEn: f("lowEn"),
      highNl: f("highNl"),
      highEn: f("highEn"),
      leftCare: f("leftCare") === "1",
    });
  }
  const filled = rows
    .map((r, i) => [r, i] as const)
    .filter(([r]) => r.key || r.textNl || r.textEn || r.lowNl || r.lowEn || r.highNl || r.highEn);
  const end = filled.length ? filled[filled.length - 1]![1] + 1 : 0;
  const items = filled.map(([r]) => {
    const text = { nl: r.textNl, en: r.textEn };
    if (r.type !== "slider") return { key: r.key, type: r.type, text };
    return {
      key: r.key,
      type: "slider",
      text,
      ...(r.lowNl || r.lowEn ? { low: { nl: r.lowNl, en: r.lowEn } } : {}),
      ...(r.highNl || r.highEn ? { high: { nl: r.highNl, en: r.highEn } } : {}),
      ...(r.leftCare ? { onlyWhenLeftCare: true } : {}),
    };
  });
  return { body: { items }, rowOf: filled.map(([, i]) => i), rows: withBlankRows(rows.slice(0, end)) };
}

function itemField(path: string, rowOf: number[]): string {
  const m = /^items\.(\d+)(?:\.(\w+))?(?:\.(nl|en))?/.exec(path);
  if (!m || m[1] === undefined) return "items";
  const row = rowOf[Number(m[1])] ?? 0;
  const part = m[2];
  if (!part) return itemFieldId(row, "type");
  if (part === "key" || part === "type") return itemFieldId(row, part);
  if (part === "text" || part === "low" || part === "high")
    return itemFieldId(row, `${part}${m[3] === "en" ? "En" : "Nl"}`);
  return itemFieldId(row, "type");
}
const itemMessage = (field: string) =>
  field === "items"
    ? t("staff.admin.error.items")
    : field.endsWith("-key")
      ? t("staff.admin.error.itemKey")
      : field.endsWith("-type")
        ? t("staff.admin.error.itemType")
        : t("staff.admin.error.itemText");

// ---- staff --------------------------------------------------------------------------------------------

const pilotOptions = async (d1: D1Database) => (await listPilots(d1)).map((p) => ({ key: p.key, name: p.name }));

function rolesFromForm(one: (k: string) => string, keys: string[]): RoleFormValues {
  const perPilot: Record<string, string> = {};
  for (const k of keys) if (k.startsWith("role:")) perPilot[k.slice(5)] = one(k);
  return { isAdmin: one("isAdmin") === "1", projectCoordinator: one("projectCoordinator") === "1", perPilot };
}
/** Role values → the API's grants; anything unknown goes through as it is, so the schema refuses it. */
const grantsOf = (v: RoleFormValues) => [
  ...(v.projectCoordinator ? [{ pilot: null, role: "project_coordinator" }] : []),
  ...Object.entries(v.perPilot).flatMap(([pilot, value]) =>
    value === "" ? [] : value.split("+").map((role) => ({ pilot, role })),
  ),
];
function rolesOfUser(u: StaffUserView): RoleFormValues {
  const perPilot: Record<string, string> = {};
  for (const r of u.roles)
    if (r.pilot !== null) perPilot[r.pilot] = [perPilot[r.pilot], r.role].filter(Boolean).sort().join("+");
  return { isAdmin: u.isAdmin, projectCoordinator: u.roles.some((r) => r.pilot === null), perPilot };
}
const staffField = (path: string) =>
  path.startsWith("roles") || path.startsWith("role:")
    ? "roles"
    : path === "email" || path === "name" || path === "confirm"
      ? path
      : path === "isAdmin" || path === "projectCoordinator"
        ? "roles"
        : "form";
function staffMessage(field: string, conflict = false): string {
  if (field === "email") return t(conflict ? "staff.admin.error.emailTaken" : "staff.admin.error.email");
  if (field === "name") return t("staff.admin.error.text");
  if (field === "roles") return t("staff.admin.error.roles");
  if (field === "confirm") return t("staff.admin.error.confirm");
  return t("error.validation");
}

async function staffEditPage(
  c: Ctx,
  id: number,
  opts: { values?: RoleFormValues; errors?: FieldErrors; notice?: string; status?: 200 | 400 | 409 } = {},
) {
  const u = await userView(c.env.DB, id);
  const isSelf = c.get("principal").userId === id;
  return renderStaffView(
    c,
    StaffEditPage,
    {
      staff: u,
      pilots: await pilotOptions(c.env.DB),
      values: opts.values ?? rolesOfUser(u),
      errors: opts.errors,
      notice: opts.notice,
      isSelf,
    },
    opts.status ?? 200,
  );
}

// ---- tokens -------------------------------------------------------------------------------------------

const tokenField = (path: string) =>
  path === "name" || path === "role" || path === "expiresInDays" || path.startsWith("pilots")
    ? path.split(".")[0]!
    : "form";
const tokenMessage = (field: string) =>
  field === "name"
    ? t("staff.admin.error.tokenName")
    : field === "role"
      ? t("staff.admin.error.tokenRole")
      : field === "pilots"
        ? t("staff.admin.error.tokenPilots")
        : field === "expiresInDays"
          ? t("staff.admin.error.tokenDays").replace("{max}", String(TOKEN_MAX_DAYS))
          : t("error.validation");
const EMPTY_TOKEN: TokenFormValues = {
  name: "",
  role: "researcher",
  pilots: [],
  expiresInDays: String(TOKEN_DEFAULT_DAYS),
};

async function tokensPage(
  c: Ctx,
  opts: { values?: TokenFormValues; errors?: FieldErrors; notice?: string; status?: 200 | 400 } = {},
) {
  return renderStaffView(
    c,
    TokensPage,
    {
      tokens: await listTokens(c.env.DB),
      pilots: await pilotOptions(c.env.DB),
      values: opts.values ?? EMPTY_TOKEN,
      errors: opts.errors,
      notice: opts.notice,
    },
    opts.status ?? 200,
  );
}

const NOTICES: Record<string, MessageKey> = {
  created: "staff.admin.pilot.created",
  saved: "staff.admin.pilot.saved",
  unchanged: "staff.settings.unchanged",
  itemsUnchanged: "staff.admin.items.unchanged",
  staffCreated: "staff.admin.staff.created",
  roles: "staff.admin.staff.rolesSaved",
  disabled: "staff.admin.staff.disabled",
  revoked: "staff.admin.tokens.revoked",
};
const noticeOf = (c: Ctx) => {
  const done = c.req.query("done") ?? "";
  if (done === "items")
    return t("staff.admin.items.saved").replace("{version}", String(Number(c.req.query("version")) || ""));
  return NOTICES[done] ? t(NOTICES[done]) : undefined;
};

type AdminHandler = (c: Ctx) => Response | Promise<Response>;
/** An admin page: signed in (CSRF on posts), the body within `limit`, admins only (worker/http/operation.ts). */
const adminGet = (path: string, handler: AdminHandler) => page({ method: "get", path, access: "admin" }, handler);
const adminPost = (path: string, handler: AdminHandler, limit = ADMIN_BODY_LIMIT) =>
  page({ method: "post", path, access: "admin", limit }, handler);

export const adminPageRoutes = mount(
  adminGet("/staff/admin", (c) => renderStaffView(c, AdminHomePage, {})),

  // pilots
  adminGet("/staff/admin/pilots", async (c) =>
    renderStaffView(c, PilotListPage, { pilots: await listPilots(c.env.DB) }),
  ),
  adminGet("/staff/admin/pilots/new", (c) =>
    renderStaffView(c, PilotNewPage, { values: { key: "", name: "", organisation: "", timezone: DEFAULT_TIMEZONE } }),
  ),
  adminPost("/staff/admin/pilots", async (c) => {
    const { one, repeated } = await readForm(c);
    const values: PilotFormValues = {
      key: one("key").trim(),
      name: one("name"),
      organisation: one("organisation"),
      timezone: one("timezone").trim(),
    };
    const page = (errors: FieldErrors, status: 400 | 409) =>
      renderStaffView(c, PilotNewPage, { values, errors }, status);
    if (repeated.length) return page(repeatedErrors(repeated, pilotField), 400);
    const parsed = pilotBody.safeParse({
      key: values.key,
      name: values.name,
      organisation: values.organisation,
      ...(values.timezone ? { timezone: values.timezone } : {}),
    });
    const refuse = (errors: FieldErrors, conflict: boolean) => page(errors, conflict ? 409 : 400);
    return submit(parsed, pilotField, pilotMessage, refuse, async (data) => {
      const pilot = await createPilot(c.env.DB, data, actorOf(c), Date.now());
      return c.redirect(`/staff/admin/pilots/${pilot.key}?done=created`, 303);
    });
  }),
  adminGet("/staff/admin/pilots/:pilot", async (c) =>
    pilotEditPage(c, await pilotByKey(c.env.DB, c.req.param("pilot") ?? ""), { notice: noticeOf(c) }),
  ),
  adminPost("/staff/admin/pilots/:pilot", async (c) => {
    const pilot = await pilotByKey(c.env.DB, c.req.param("pilot") ?? "");
    const current = pilotView(pilot);
    const { one, many, repeated } = await readForm(c, ["frequentInstruments", "waveInstruments"]);
    const values: PilotEditValues = {
      name: one("name"),
      organisation: one("organisation"),
      timezone: one("timezone").trim(),
      frequentInstruments: ordered(current.frequentInstruments, many("frequentInstruments")),
      waveInstruments: ordered(current.waveInstruments, many("waveInstruments")),
    };
    const refuse = (errors: FieldErrors) => pilotEditPage(c, pilot, { values, errors, status: 400 });
    if (repeated.length) return refuse(repeatedErrors(repeated, pilotField));
    // Only what the form changed is sent (and audited).
    const patch = {
      ...(values.name.trim() !== pilot.name ? { name: values.name } : {}),
      ...(values.organisation.trim() !== pilot.organisation ? { organisation: values.organisation } : {}),
      ...(values.timezone !== pilot.timezone ? { timezone: values.timezone } : {}),
      ...(!sameSet(values.frequentInstruments, current.frequentInstruments)
        ? { frequentInstruments: values.frequentInstruments }
        : {}),
      ...(!sameSet(values.waveInstruments, current.waveInstruments) ? { waveInstruments: values.waveInstruments } : {}),
    };
    if (!Object.keys(patch).length) return c.redirect(`/staff/admin/pilots/${pilot.key}?done=unchanged`, 303);
    const parsed = pilotPatchBody.safeParse(patch);
    return submit(parsed, pilotField, pilotMessage, refuse, async (data) => {
      await updatePilot(c.env.DB, pilot, data, actorOf(c), Date.now());
      return c.redirect(`/staff/admin/pilots/${pilot.key}?done=saved`, 303);
    });
  }),
  adminPost(
    "/staff/admin/pilots/:pilot/items",
    async (c) => {
      const pilot = await pilotByKey(c.env.DB, c.req.param("pilot") ?? "");
      const { one, repeated } = await readForm(c);
      const { body, rowOf, rows } = itemsFromForm(one);
      const refuse = (errors: FieldErrors) => pilotEditPage(c, pilot, { items: rows, errors, status: 400 });
      if (repeated.length) return refuse(repeatedErrors(repeated, (k) => itemField(k, FORM_ROWS)));
      const parsed = pilotItemsBody.safeParse(body);
      if (!parsed.success) return refuse(collect(issuePaths(parsed.error), (p) => itemField(p, rowOf), itemMessage));
      const result = await savePilotItems(c.env.DB, pilot, parsed.data, actorOf(c), Date.now());
      const done = result.created ? `done=items&version=${result.version}` : "done=itemsUnchanged";
      return c.redirect(`/staff/admin/pilots/${pilot.key}?${done}#items-title`, 303);
    },
    ITEMS_LIMIT,
  ),

  // staff users
  adminGet("/staff/admin/staff", async (c) => renderStaffView(c, StaffListPage, { staff: await listStaff(c.env.DB) })),
  adminGet("/staff/admin/staff/new", async (c) => {
    const values: StaffFormValues = { email: "", name: "", isAdmin: false, projectCoordinator: false, perPilot: {} };
    return renderStaffView(c, StaffNewPage, { pilots: await pilotOptions(c.env.DB), values });
  }),
  adminPost("/staff/admin/staff", async (c) => {
    const { form, one, repeated } = await readForm(c);
    const values: StaffFormValues = {
      email: one("email"),
      name: one("name"),
      ...rolesFromForm(one, Object.keys(form)),
    };
    const page = async (errors: FieldErrors, status: 400 | 409) =>
      renderStaffView(c, StaffNewPage, { pilots: await pilotOptions(c.env.DB), values, errors }, status);
    if (repeated.length) return page(repeatedErrors(repeated, staffField), 400);
    const parsed = staffUserBody.safeParse({
      email: values.email,
      name: values.name,
      isAdmin: values.isAdmin,
      roles: grantsOf(values),
    });
    const refuse = (errors: FieldErrors, conflict: boolean) => page(errors, conflict ? 409 : 400);
    return submit(parsed, staffField, staffMessage, refuse, async (data) => {
      const user = await createStaffUser(c.env.DB, data, actorOf(c), Date.now());
      return c.redirect(`/staff/admin/staff/${user.id}?done=staffCreated`, 303);
    });
  }),
  adminGet("/staff/admin/staff/:id", async (c) =>
    staffEditPage(c, staffId(c.req.param("id")), { notice: noticeOf(c) }),
  ),
  adminPost("/staff/admin/staff/:id/roles", async (c) => {
    const id = staffId(c.req.param("id"));
    const { form, one, repeated } = await readForm(c);
    const values = rolesFromForm(one, Object.keys(form));
    const refuse = (errors: FieldErrors) => staffEditPage(c, id, { values, errors, status: 400 });
    if (repeated.length) return refuse(repeatedErrors(repeated, staffField));
    const parsed = staffRolesBody.safeParse({ roles: grantsOf(values) });
    return submit(parsed, staffField, staffMessage, refuse, async (data) => {
      await replaceRoles(c.env.DB, id, data.roles, actorOf(c), Date.now());
      return c.redirect(`/staff/admin/staff/${id}?done=roles`, 303);
    });
  }),
  adminPost("/staff/admin/staff/:id/disable", async (c) => {
    const id = staffId(c.req.param("id"));
    const { one, repeated } = await readForm(c);
    if (repeated.length || one("confirm") !== "1")
      return staffEditPage(c, id, { errors: { confirm: t("staff.admin.error.confirm") }, status: 400 });
    try {
      await disableStaffUser(c.env.DB, id, actorOf(c), Date.now());
    } catch (e) {
      if (e instanceof AppError && e.code === "validation")
        return staffEditPage(c, id, { errors: { confirm: t("staff.admin.error.self") }, status: 400 });
      throw e;
    }
    return c.redirect(`/staff/admin/staff/${id}?done=disabled`, 303);
  }),

  // API tokens
  adminGet("/staff/admin/tokens", (c) => tokensPage(c, { notice: noticeOf(c) })),
  adminPost("/staff/admin/tokens", async (c) => {
    const { one, many, repeated } = await readForm(c, ["pilots"]);
    const values: TokenFormValues = {
      name: one("name"),
      role: one("role"),
      pilots: many("pilots"),
      expiresInDays: one("expiresInDays"),
    };
    if (repeated.length) return tokensPage(c, { values, errors: repeatedErrors(repeated, tokenField), status: 400 });
    // Project coordinator and admin tokens cover every pilot: ticked pilots are refused by the schema, as in the API.
    // Validity in days: empty is the default; anything but a plain whole number stays text, so the schema refuses it.
    const days =
      values.expiresInDays === ""
        ? undefined
        : /^\d{1,4}$/.test(values.expiresInDays)
          ? Number(values.expiresInDays)
          : values.expiresInDays;
    const parsed = tokenBody.safeParse({
      name: values.name,
      role: values.role,
      ...(values.pilots.length ? { pilots: values.pilots } : {}),
      ...(days !== undefined ? { expiresInDays: days } : {}),
    });
    if (!parsed.success)
      return tokensPage(c, {
        values,
        errors: collect(issuePaths(parsed.error), tokenField, tokenMessage),
        status: 400,
      });
    try {
      const created = await createToken(
        c.env.DB,
        parsed.data,
        c.get("principal").userId ?? null,
        actorOf(c),
        Date.now(),
      );
      return renderStaffView(c, TokenCreatedPage, { token: created });
    } catch (e) {
      const errors = serviceErrors(e, tokenField, tokenMessage);
      if (errors) return tokensPage(c, { values, errors, status: 400 });
      throw e;
    }
  }),
  adminPost("/staff/admin/tokens/:id/revoke", async (c) => {
    await revokeToken(c.env.DB, c.req.param("id"), actorOf(c), Date.now());
    return c.redirect("/staff/admin/tokens?done=revoked", 303);
  }),
).onError(staffPageError);
