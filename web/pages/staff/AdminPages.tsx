// The admin screens (admins only): pilots, staff users with their roles, and API tokens. Every form posts
// to worker/staff/admin-pages.tsx with the session's CSRF token; a refusal comes back with the message
// beside its field (and in a summary linking to it), the values as they were typed; a success redirects
// to a page with a notice. Texts come from the one catalogue, Dutch first.
import { formatDateTime, PLATFORM_ZONE } from "../../../core/format";
import type { ComponentChildren } from "preact";
import type { InstrumentChoice } from "../../../worker/staff/admin-service";
import { CsrfField, StaffLayout, type StaffUser } from "../../components/StaffLayout";
import { TOKEN_MAX_DAYS } from "../../../core/api-tokens";
import { t, type Lang, type MessageKey } from "../../../core/i18n/messages";

/** Field id → message. `form` is about the whole form. */
export type FieldErrors = Record<string, string>;
type Base = { user: StaffUser; lang?: Lang };

const when = (at: number | null, lang: Lang) =>
  at === null ? t("staff.admin.never", lang) : `${formatDateTime(at, PLATFORM_ZONE, lang)} (${PLATFORM_ZONE})`;
const roleName = (role: string, lang: Lang) => t(`staff.role.${role}` as MessageKey, lang);

function AdminLayout({
  user,
  lang = "nl",
  title,
  back = true,
  children,
}: Base & { title: string; back?: boolean; children: ComponentChildren }) {
  return (
    <StaffLayout lang={lang} title={`${title} · ${t("staff.admin.title", lang)}`} user={user}>
      {back && (
        <p>
          <a href="/staff/admin" id="admin-back">
            {t("staff.admin.back", lang)}
          </a>
        </p>
      )}
      {children}
    </StaffLayout>
  );
}

function Notice({ text }: { text?: string }) {
  return text ? (
    <p class="notice" id="admin-notice" role="status">
      {text}
    </p>
  ) : null;
}

/** The summary at the top of a refused form: each message links to its field. */
function ErrorSummary({ errors, labels, lang }: { errors: FieldErrors; labels: Record<string, string>; lang: Lang }) {
  const entries = Object.entries(errors);
  if (!entries.length) return null;
  return (
    <div class="error" id="admin-errors" role="alert">
      <p>{t("staff.enrol.invalid", lang)}</p>
      <ul>
        {entries.map(([field, message]) =>
          labels[field] ? (
            <li>
              <a href={`#${field}`}>{labels[field]}</a>: {message}
            </li>
          ) : (
            <li>{message}</li>
          ),
        )}
      </ul>
    </div>
  );
}

const errorId = (id: string) => `${id}-error`;
function FieldError({ id, errors }: { id: string; errors: FieldErrors }) {
  return errors[id] ? (
    <span class="field-error" id={errorId(id)}>
      {errors[id]}
    </span>
  ) : null;
}
const invalid = (id: string, errors: FieldErrors) =>
  errors[id] ? { "aria-invalid": "true" as const, "aria-describedby": errorId(id) } : {};

function TextField({
  id,
  name = id,
  label,
  value,
  errors,
  type = "text",
  maxLength,
  required = true,
  autoComplete,
}: {
  id: string;
  name?: string;
  label: string;
  value: string;
  errors: FieldErrors;
  type?: "text" | "email";
  maxLength: number;
  required?: boolean;
  autoComplete?: string;
}) {
  return (
    <>
      <label for={id}>{label}</label>
      {/* the cast keeps preact's input typing from splitting on the type union */}
      <input
        id={id}
        name={name}
        type={type as "text"}
        value={value}
        maxLength={maxLength}
        required={required}
        autoComplete={autoComplete}
        aria-invalid={errors[id] ? "true" : undefined}
        aria-describedby={errors[id] ? errorId(id) : undefined}
      />
      <FieldError id={id} errors={errors} />
    </>
  );
}

// ---- overview -----------------------------------------------------------------------------------------

export function AdminHomePage({ user, lang = "nl" }: Base) {
  const links: [string, MessageKey][] = [
    ["/staff/admin/pilots", "staff.admin.pilots"],
    ["/staff/admin/staff", "staff.admin.staff"],
    ["/staff/admin/tokens", "staff.admin.tokens"],
    ["/staff/admin/archive", "staff.admin.archive"],
    ["/staff/audit", "staff.audit.title"],
  ];
  return (
    <AdminLayout user={user} lang={lang} title={t("staff.admin.title", lang)} back={false}>
      <h1 id="admin-title">{t("staff.admin.title", lang)}</h1>
      <p>{t("staff.admin.intro", lang)}</p>
      <ul id="admin-links">
        {links.map(([href, label]) => (
          <li>
            <a href={href}>{t(label, lang)}</a>
          </li>
        ))}
      </ul>
    </AdminLayout>
  );
}

// ---- pilots -------------------------------------------------------------------------------------------

export type PilotRow = { key: string; name: string; organisation: string; timezone: string };

export function PilotListPage({ user, pilots, lang = "nl" }: Base & { pilots: PilotRow[] }) {
  return (
    <AdminLayout user={user} lang={lang} title={t("staff.admin.pilots", lang)}>
      <h1 id="admin-title">{t("staff.admin.pilots", lang)}</h1>
      <p>
        <a href="/staff/admin/pilots/new" id="pilot-new-link">
          {t("staff.admin.pilots.new", lang)}
        </a>
      </p>
      {pilots.length === 0 ? (
        <p id="pilots-none">{t("staff.admin.pilots.none", lang)}</p>
      ) : (
        <table id="pilot-table">
          <thead>
            <tr>
              <th scope="col">{t("staff.admin.col.key", lang)}</th>
              <th scope="col">{t("staff.admin.col.name", lang)}</th>
              <th scope="col">{t("staff.admin.col.organisation", lang)}</th>
              <th scope="col">{t("staff.settings.timezone", lang)}</th>
            </tr>
          </thead>
          <tbody>
            {pilots.map((p) => (
              <tr data-pilot={p.key}>
                <td>
                  <a href={`/staff/admin/pilots/${p.key}`}>{p.key}</a>
                </td>
                <td>{p.name}</td>
                <td>{p.organisation}</td>
                <td>{p.timezone}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </AdminLayout>
  );
}

export type PilotFormValues = { key: string; name: string; organisation: string; timezone: string };
const pilotLabels = (lang: Lang): Record<string, string> => ({
  key: t("staff.admin.pilot.key", lang),
  name: t("staff.admin.pilot.name", lang),
  organisation: t("staff.admin.pilot.organisation", lang),
  timezone: t("staff.admin.pilot.timezone", lang),
  frequentInstruments: t("staff.settings.frequentInstruments", lang),
  waveInstruments: t("staff.settings.waveInstruments", lang),
});

/** A pilot's name, organisation and time zone: the same fields on the new and the edit form. */
function PilotDetailFields({
  values,
  errors,
  lang,
}: {
  values: { name: string; organisation: string; timezone: string };
  errors: FieldErrors;
  lang: Lang;
}) {
  return (
    <>
      <TextField
        id="name"
        label={t("staff.admin.pilot.name", lang)}
        value={values.name}
        errors={errors}
        maxLength={120}
        autoComplete="off"
      />
      <TextField
        id="organisation"
        label={t("staff.admin.pilot.organisation", lang)}
        value={values.organisation}
        errors={errors}
        maxLength={120}
        autoComplete="organization"
      />
      <TextField
        id="timezone"
        label={t("staff.admin.pilot.timezone", lang)}
        value={values.timezone}
        errors={errors}
        maxLength={64}
        autoComplete="off"
      />
    </>
  );
}

export function PilotNewPage({
  user,
  values,
  errors = {},
  lang = "nl",
}: Base & { values: PilotFormValues; errors?: FieldErrors }) {
  return (
    <AdminLayout user={user} lang={lang} title={t("staff.admin.pilots.new", lang)}>
      <h1 id="admin-title">{t("staff.admin.pilots.new", lang)}</h1>
      <ErrorSummary errors={errors} labels={pilotLabels(lang)} lang={lang} />
      <form method="post" action="/staff/admin/pilots" class="stack" id="pilot-form" novalidate>
        <CsrfField token={user?.csrf} />
        <TextField
          id="key"
          label={t("staff.admin.pilot.key", lang)}
          value={values.key}
          errors={errors}
          maxLength={40}
          autoComplete="off"
        />
        <PilotDetailFields values={values} errors={errors} lang={lang} />
        <p>
          <button type="submit" id="pilot-submit">
            {t("staff.admin.pilot.create", lang)}
          </button>
        </p>
      </form>
    </AdminLayout>
  );
}

export type PilotItemRow = {
  key: string;
  type: string;
  textNl: string;
  textEn: string;
  lowNl: string;
  lowEn: string;
  highNl: string;
  highEn: string;
  leftCare: boolean;
};
export type PilotEditValues = {
  name: string;
  organisation: string;
  timezone: string;
  frequentInstruments: string[];
  waveInstruments: string[];
};

const ITEM_TEXTS = [
  ["textNl", "staff.admin.items.textNl", 300],
  ["textEn", "staff.admin.items.textEn", 300],
  ["lowNl", "staff.admin.items.lowNl", 60],
  ["lowEn", "staff.admin.items.lowEn", 60],
  ["highNl", "staff.admin.items.highNl", 60],
  ["highEn", "staff.admin.items.highEn", 60],
] as const;
export const itemFieldId = (row: number, field: string) => `items-${row}-${field}`;

function InstrumentBoxes({
  name,
  legend,
  choices,
  checked,
  errors,
  lang,
}: {
  name: string;
  legend: string;
  choices: InstrumentChoice[];
  checked: string[];
  errors: FieldErrors;
  lang: Lang;
}) {
  return (
    <fieldset id={name} aria-describedby={errors[name] ? errorId(name) : undefined}>
      <legend>{legend}</legend>
      {choices.map((c) => {
        const on = checked.includes(c.key);
        return (
          <label class="check">
            <input type="checkbox" name={name} value={c.key} id={`${name}-${c.key}`} checked={on} /> {c.name}{" "}
            <span class="muted">
              ({c.key}
              {c.state === "ok"
                ? ""
                : `, ${t(c.state === "missing" ? "staff.admin.pilot.missing" : "staff.admin.pilot.incomplete", lang)}`}
              )
            </span>
          </label>
        );
      })}
      <FieldError id={name} errors={errors} />
    </fieldset>
  );
}

export function PilotEditPage({
  user,
  pilot,
  values,
  frequentChoices,
  waveChoices,
  items,
  errors = {},
  notice,
  lang = "nl",
}: Base & {
  pilot: { key: string; name: string };
  values: PilotEditValues;
  frequentChoices: InstrumentChoice[];
  waveChoices: InstrumentChoice[];
  items: PilotItemRow[];
  errors?: FieldErrors;
  notice?: string;
}) {
  const labels: Record<string, string> = { ...pilotLabels(lang), items: t("staff.admin.items.title", lang) };
  items.forEach((_r, i) => {
    const n = t("staff.admin.items.item", lang).replace("{n}", String(i + 1));
    labels[itemFieldId(i, "key")] = `${n}: ${t("staff.admin.items.key", lang)}`;
    labels[itemFieldId(i, "type")] = `${n}: ${t("staff.admin.items.type", lang)}`;
    for (const [f, label] of ITEM_TEXTS) labels[itemFieldId(i, f)] = `${n}: ${t(label, lang)}`;
  });
  return (
    <AdminLayout user={user} lang={lang} title={pilot.name}>
      <h1 id="admin-title">{pilot.name}</h1>
      <p class="muted">
        {t("staff.admin.col.key", lang)}: <code id="pilot-key">{pilot.key}</code> ·{" "}
        <a href={`/staff/pilots/${pilot.key}/settings`}>{t("staff.admin.pilot.settingsLink", lang)}</a>
      </p>
      <Notice text={notice} />
      <ErrorSummary errors={errors} labels={labels} lang={lang} />
      <h2>{t("staff.admin.pilot.details", lang)}</h2>
      <form method="post" action={`/staff/admin/pilots/${pilot.key}`} class="stack" id="pilot-form" novalidate>
        <CsrfField token={user?.csrf} />
        <PilotDetailFields values={values} errors={errors} lang={lang} />
        <p class="small muted">{t("staff.admin.pilot.instrumentsNote", lang)}</p>
        <InstrumentBoxes
          name="frequentInstruments"
          legend={t("staff.settings.frequentInstruments", lang)}
          choices={frequentChoices}
          checked={values.frequentInstruments}
          errors={errors}
          lang={lang}
        />
        <InstrumentBoxes
          name="waveInstruments"
          legend={t("staff.settings.waveInstruments", lang)}
          choices={waveChoices}
          checked={values.waveInstruments}
          errors={errors}
          lang={lang}
        />
        <p>
          <button type="submit" id="pilot-submit">
            {t("staff.settings.submit", lang)}
          </button>
        </p>
      </form>
      <h2 id="items-title">{t("staff.admin.items.title", lang)}</h2>
      <p class="small muted">{t("staff.admin.items.intro", lang)}</p>
      {errors.items && (
        <p class="field-error" id="items-error">
          {errors.items}
        </p>
      )}
      <form
        method="post"
        action={`/staff/admin/pilots/${pilot.key}/items`}
        class="stack"
        id="items-form"
        novalidate
        aria-describedby={errors.items ? "items-error" : undefined}
      >
        <CsrfField token={user?.csrf} />
        {items.map((row, i) => {
          const id = (f: string) => itemFieldId(i, f);
          return (
            <fieldset data-item={i}>
              <legend>{t("staff.admin.items.item", lang).replace("{n}", String(i + 1))}</legend>
              <TextField
                id={id("key")}
                name={`items.${i}.key`}
                label={t("staff.admin.items.key", lang)}
                value={row.key}
                errors={errors}
                maxLength={32}
                required={false}
                autoComplete="off"
              />
              <label for={id("type")}>{t("staff.admin.items.type", lang)}</label>
              <select id={id("type")} name={`items.${i}.type`} {...invalid(id("type"), errors)}>
                <option value="slider" selected={row.type !== "yesno"}>
                  {t("staff.admin.items.slider", lang)}
                </option>
                <option value="yesno" selected={row.type === "yesno"}>
                  {t("staff.admin.items.yesno", lang)}
                </option>
              </select>
              <FieldError id={id("type")} errors={errors} />
              {ITEM_TEXTS.map(([f, label, max]) => (
                <TextField
                  id={id(f)}
                  name={`items.${i}.${f}`}
                  label={t(label, lang)}
                  value={row[f]}
                  errors={errors}
                  maxLength={max}
                  required={false}
                  autoComplete="off"
                />
              ))}
              <label class="check">
                <input
                  type="checkbox"
                  name={`items.${i}.leftCare`}
                  value="1"
                  id={id("leftCare")}
                  checked={row.leftCare}
                />{" "}
                {t("staff.admin.items.leftCare", lang)}
              </label>
            </fieldset>
          );
        })}
        <p>
          <button type="submit" id="items-submit">
            {t("staff.admin.items.save", lang)}
          </button>
        </p>
      </form>
    </AdminLayout>
  );
}

// ---- staff users --------------------------------------------------------------------------------------

export type StaffRow = {
  id: number;
  email: string;
  name: string;
  isAdmin: boolean;
  disabledAt: number | null;
  roles: { pilot: string | null; role: string }[];
};
export type PilotOption = { key: string; name: string };

const rolesText = (s: StaffRow, lang: Lang) => {
  const parts = [
    ...(s.isAdmin ? [roleName("admin", lang)] : []),
    ...s.roles.map((r) => (r.pilot === null ? roleName(r.role, lang) : `${roleName(r.role, lang)} (${r.pilot})`)),
  ];
  return parts.length ? parts.join(", ") : t("staff.admin.staff.noRoles", lang);
};

export function StaffListPage({ user, staff, lang = "nl" }: Base & { staff: StaffRow[] }) {
  return (
    <AdminLayout user={user} lang={lang} title={t("staff.admin.staff", lang)}>
      <h1 id="admin-title">{t("staff.admin.staff", lang)}</h1>
      <p>
        <a href="/staff/admin/staff/new" id="staff-new-link">
          {t("staff.admin.staff.new", lang)}
        </a>
      </p>
      <table id="staff-table">
        <thead>
          <tr>
            <th scope="col">{t("staff.admin.col.name", lang)}</th>
            <th scope="col">{t("staff.admin.col.email", lang)}</th>
            <th scope="col">{t("staff.admin.col.roles", lang)}</th>
            <th scope="col">{t("staff.admin.col.status", lang)}</th>
          </tr>
        </thead>
        <tbody>
          {staff.map((s) => (
            <tr data-staff={s.id}>
              <td>
                <a href={`/staff/admin/staff/${s.id}`}>{s.name}</a>
              </td>
              <td>{s.email}</td>
              <td>{rolesText(s, lang)}</td>
              <td>{t(s.disabledAt === null ? "staff.admin.staff.active" : "staff.admin.staff.disabledState", lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </AdminLayout>
  );
}

/** The roles part of the staff forms: admin flag, project coordinator, one role per pilot. */
export type RoleFormValues = { isAdmin: boolean; projectCoordinator: boolean; perPilot: Record<string, string> };
export type StaffFormValues = RoleFormValues & { email: string; name: string };
export const pilotRoleField = (key: string) => `role:${key}`;
export const pilotRoleId = (key: string) => `role-${key}`;
const PILOT_ROLE_OPTIONS: [string, string][] = [
  ["", "staff.admin.staff.noRole"],
  ["researcher", "staff.role.researcher"],
  ["coordinator", "staff.role.coordinator"],
  ["researcher+coordinator", "staff.admin.staff.both"],
];

/**
 * `withAdmin`: the admin flag is chosen when a user is added; the roles form changes roles only, as PUT
 * /staff/{id}/roles.
 */
function RoleFields({
  pilots,
  values,
  errors,
  withAdmin,
  lang,
}: {
  pilots: PilotOption[];
  values: RoleFormValues;
  errors: FieldErrors;
  withAdmin: boolean;
  lang: Lang;
}) {
  return (
    <>
      {withAdmin && (
        <label class="check">
          <input type="checkbox" name="isAdmin" value="1" id="isAdmin" checked={values.isAdmin} />{" "}
          {t("staff.admin.staff.admin", lang)}
        </label>
      )}
      <fieldset id="roles" aria-describedby={errors.roles ? errorId("roles") : "roles-note"}>
        <legend>{t("staff.admin.staff.roles", lang)}</legend>
        <p class="small muted" id="roles-note">
          {t("staff.admin.staff.rolesNote", lang)}
        </p>
        <FieldError id="roles" errors={errors} />
        <label class="check">
          <input
            type="checkbox"
            name="projectCoordinator"
            value="1"
            id="projectCoordinator"
            checked={values.projectCoordinator}
          />{" "}
          {t("staff.admin.staff.projectCoordinator", lang)}
        </label>
        {pilots.map((p) => (
          <>
            <label for={pilotRoleId(p.key)}>
              {t("staff.admin.staff.roleAt", lang).replace("{pilot}", `${p.name} (${p.key})`)}
            </label>
            <select id={pilotRoleId(p.key)} name={pilotRoleField(p.key)}>
              {PILOT_ROLE_OPTIONS.map(([value, label]) => (
                <option value={value} selected={(values.perPilot[p.key] ?? "") === value}>
                  {t(label as MessageKey, lang)}
                </option>
              ))}
            </select>
          </>
        ))}
      </fieldset>
    </>
  );
}

const staffLabels = (lang: Lang): Record<string, string> => ({
  email: t("staff.admin.staff.email", lang),
  name: t("staff.admin.staff.name", lang),
  roles: t("staff.admin.staff.roles", lang),
  confirm: t("staff.admin.staff.disable.confirm", lang),
});

export function StaffNewPage({
  user,
  pilots,
  values,
  errors = {},
  lang = "nl",
}: Base & { pilots: PilotOption[]; values: StaffFormValues; errors?: FieldErrors }) {
  return (
    <AdminLayout user={user} lang={lang} title={t("staff.admin.staff.new", lang)}>
      <h1 id="admin-title">{t("staff.admin.staff.new", lang)}</h1>
      <ErrorSummary errors={errors} labels={staffLabels(lang)} lang={lang} />
      <form method="post" action="/staff/admin/staff" class="stack" id="staff-form" novalidate>
        <CsrfField token={user?.csrf} />
        <TextField
          id="email"
          type="email"
          label={t("staff.admin.staff.email", lang)}
          value={values.email}
          errors={errors}
          maxLength={254}
          autoComplete="off"
        />
        <TextField
          id="name"
          label={t("staff.admin.staff.name", lang)}
          value={values.name}
          errors={errors}
          maxLength={120}
          autoComplete="off"
        />
        <RoleFields pilots={pilots} values={values} errors={errors} withAdmin lang={lang} />
        <p>
          <button type="submit" id="staff-submit">
            {t("staff.admin.staff.new", lang)}
          </button>
        </p>
      </form>
    </AdminLayout>
  );
}

export function StaffEditPage({
  user,
  staff,
  pilots,
  values,
  errors = {},
  notice,
  isSelf,
  lang = "nl",
}: Base & {
  staff: StaffRow;
  pilots: PilotOption[];
  values: RoleFormValues;
  errors?: FieldErrors;
  notice?: string;
  isSelf: boolean;
}) {
  const disabled = staff.disabledAt !== null;
  return (
    <AdminLayout user={user} lang={lang} title={staff.name}>
      <h1 id="admin-title">{staff.name}</h1>
      <p>
        <span id="staff-email">{staff.email}</span> · {rolesText(staff, lang)}
      </p>
      <Notice text={notice} />
      {disabled && (
        <p class="muted" id="staff-disabled">
          {t("staff.admin.staff.disabledAt", lang).replace("{date}", when(staff.disabledAt, lang))}
        </p>
      )}
      <ErrorSummary errors={errors} labels={staffLabels(lang)} lang={lang} />
      {!disabled && (
        <>
          <h2>{t("staff.admin.staff.roles", lang)}</h2>
          <form method="post" action={`/staff/admin/staff/${staff.id}/roles`} class="stack" id="roles-form" novalidate>
            <CsrfField token={user?.csrf} />
            <RoleFields pilots={pilots} values={values} errors={errors} withAdmin={false} lang={lang} />
            <p>
              <button type="submit" id="roles-submit">
                {t("staff.admin.staff.saveRoles", lang)}
              </button>
            </p>
          </form>
          {!isSelf && (
            <>
              <h2>{t("staff.admin.staff.disable.title", lang)}</h2>
              <p id="disable-intro">{t("staff.admin.staff.disable.intro", lang)}</p>
              <form
                method="post"
                action={`/staff/admin/staff/${staff.id}/disable`}
                class="stack"
                id="disable-form"
                novalidate
              >
                <CsrfField token={user?.csrf} />
                <label class="check">
                  <input
                    type="checkbox"
                    name="confirm"
                    value="1"
                    id="confirm"
                    required
                    {...invalid("confirm", errors)}
                  />{" "}
                  {t("staff.admin.staff.disable.confirm", lang)}
                </label>
                <FieldError id="confirm" errors={errors} />
                <p>
                  <button type="submit" id="disable-submit">
                    {t("staff.admin.staff.disable.submit", lang)}
                  </button>
                </p>
              </form>
            </>
          )}
        </>
      )}
    </AdminLayout>
  );
}

// ---- API tokens ---------------------------------------------------------------------------------------

export type TokenRow = {
  id: number;
  name: string;
  role: string;
  pilots: (string | null)[] | null;
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
  expiresAt: number;
  expired: boolean;
};
export type TokenFormValues = { name: string; role: string; pilots: string[]; expiresInDays: string };
export const TOKEN_ROLES = ["researcher", "coordinator", "project_coordinator", "admin"] as const;

export function TokensPage({
  user,
  tokens,
  pilots,
  values,
  errors = {},
  notice,
  lang = "nl",
}: Base & {
  tokens: TokenRow[];
  pilots: PilotOption[];
  values: TokenFormValues;
  errors?: FieldErrors;
  notice?: string;
}) {
  const labels = {
    name: t("staff.admin.tokens.name", lang),
    role: t("staff.admin.tokens.role", lang),
    pilots: t("staff.admin.tokens.pilots", lang),
    expiresInDays: t("staff.admin.tokens.days", lang).replace("{max}", String(TOKEN_MAX_DAYS)),
  };
  return (
    <AdminLayout user={user} lang={lang} title={t("staff.admin.tokens", lang)}>
      <h1 id="admin-title">{t("staff.admin.tokens", lang)}</h1>
      <p>{t("staff.admin.tokens.intro", lang)}</p>
      <Notice text={notice} />
      {tokens.length === 0 ? (
        <p id="tokens-none">{t("staff.admin.tokens.none", lang)}</p>
      ) : (
        <table id="token-table">
          <thead>
            <tr>
              <th scope="col">{t("staff.admin.col.name", lang)}</th>
              <th scope="col">{t("staff.admin.col.role", lang)}</th>
              <th scope="col">{t("staff.admin.col.pilots", lang)}</th>
              <th scope="col">{t("staff.admin.col.created", lang)}</th>
              <th scope="col">{t("staff.admin.col.lastUsed", lang)}</th>
              <th scope="col">{t("staff.admin.col.expires", lang)}</th>
              <th scope="col">{t("staff.admin.col.status", lang)}</th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((tok) => (
              <tr data-token={tok.id}>
                <td>{tok.name}</td>
                <td>{roleName(tok.role, lang)}</td>
                <td>
                  {tok.pilots === null
                    ? t("staff.admin.tokens.allPilots", lang)
                    : tok.pilots.map((p) => p ?? "?").join(", ")}
                </td>
                <td>{when(tok.createdAt, lang)}</td>
                <td>{when(tok.lastUsedAt, lang)}</td>
                <td data-expires={tok.expiresAt}>
                  {tok.expired
                    ? `${t("staff.admin.tokens.expiredState", lang)} ${when(tok.expiresAt, lang)}`
                    : when(tok.expiresAt, lang)}
                </td>
                <td>
                  {tok.revokedAt !== null ? (
                    `${t("staff.admin.tokens.revokedState", lang)} ${when(tok.revokedAt, lang)}`
                  ) : tok.expired ? (
                    t("staff.admin.tokens.expiredState", lang)
                  ) : (
                    <form method="post" action={`/staff/admin/tokens/${tok.id}/revoke`} id={`revoke-${tok.id}`}>
                      <CsrfField token={user?.csrf} />
                      <button
                        type="submit"
                        aria-label={t("staff.admin.tokens.revokeLabel", lang).replace("{name}", tok.name)}
                      >
                        {t("staff.admin.tokens.revoke", lang)}
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2 id="token-new-title">{t("staff.admin.tokens.new", lang)}</h2>
      <ErrorSummary errors={errors} labels={labels} lang={lang} />
      <form method="post" action="/staff/admin/tokens" class="stack" id="token-form" novalidate>
        <CsrfField token={user?.csrf} />
        <TextField
          id="name"
          label={labels.name}
          value={values.name}
          errors={errors}
          maxLength={80}
          autoComplete="off"
        />
        <label for="role">{labels.role}</label>
        <select id="role" name="role" {...invalid("role", errors)}>
          {TOKEN_ROLES.map((r) => (
            <option value={r} selected={values.role === r}>
              {roleName(r, lang)}
            </option>
          ))}
        </select>
        <FieldError id="role" errors={errors} />
        <label for="expiresInDays">{labels.expiresInDays}</label>
        <input
          id="expiresInDays"
          name="expiresInDays"
          type="number"
          inputMode="numeric"
          step={1}
          min={1}
          max={TOKEN_MAX_DAYS}
          value={values.expiresInDays}
          required
          {...invalid("expiresInDays", errors)}
        />
        <FieldError id="expiresInDays" errors={errors} />
        <fieldset id="pilots" aria-describedby={errors.pilots ? errorId("pilots") : undefined}>
          <legend>{labels.pilots}</legend>
          {pilots.map((p) => (
            <label class="check">
              <input
                type="checkbox"
                name="pilots"
                value={p.key}
                id={`pilots-${p.key}`}
                checked={values.pilots.includes(p.key)}
              />{" "}
              {p.name} ({p.key})
            </label>
          ))}
          <FieldError id="pilots" errors={errors} />
        </fieldset>
        <p>
          <button type="submit" id="token-submit">
            {t("staff.admin.tokens.create", lang)}
          </button>
        </p>
      </form>
    </AdminLayout>
  );
}

/** The one time the secret is shown (the response is never cached). */
export function TokenCreatedPage({
  user,
  token,
  lang = "nl",
}: Base & {
  token: { id: number; name: string; role: string; pilots: string[] | null; token: string; expiresAt: number };
}) {
  return (
    <AdminLayout user={user} lang={lang} title={t("staff.admin.tokens.created", lang)}>
      <h1 id="admin-title">{t("staff.admin.tokens.created", lang)}</h1>
      <p class="notice" role="status" id="token-copy-now">
        {t("staff.admin.tokens.copyNow", lang)}
      </p>
      <table id="token-created">
        <tbody>
          <tr>
            <th scope="row">{t("staff.admin.col.name", lang)}</th>
            <td>{token.name}</td>
          </tr>
          <tr>
            <th scope="row">{t("staff.admin.col.role", lang)}</th>
            <td>{roleName(token.role, lang)}</td>
          </tr>
          <tr>
            <th scope="row">{t("staff.admin.col.pilots", lang)}</th>
            <td>{token.pilots === null ? t("staff.admin.tokens.allPilots", lang) : token.pilots.join(", ")}</td>
          </tr>
          <tr>
            <th scope="row">{t("staff.admin.col.expires", lang)}</th>
            <td id="token-expires">{when(token.expiresAt, lang)}</td>
          </tr>
          <tr>
            <th scope="row">{t("staff.admin.tokens.secret", lang)}</th>
            <td>
              <code id="token-secret">{token.token}</code>
            </td>
          </tr>
        </tbody>
      </table>
      <p>
        <a href="/staff/admin/tokens" id="tokens-back">
          {t("staff.admin.tokens.back", lang)}
        </a>
      </p>
    </AdminLayout>
  );
}
