// Staff-wide API: who am I, my pilots, API tokens (admin), the audit log (admin) and instruments.
import { AppError } from "../errors";
import { importInstrument, instrumentVersion, listInstruments } from "../studies/config";
import { auditQuery, instrumentDefinitionBody, instrumentVersionResponse, tokenBody } from "../studies/validators";
import {
  auditResponse,
  instrumentResponse,
  instrumentsResponse,
  meResponse,
  pilotsResponse,
  tokenCreatedResponse,
  tokenRevokedResponse,
  tokensResponse,
} from "./responses";
import { createToken, listTokens, revokeToken } from "./admin-service";
import { actorOf } from "../http/auth";
import { API_BASE, mount, route } from "../http/operation";
import { readAudit, visiblePilots } from "./queries";

const API = API_BASE;

export const staffApiRoutes = mount(
  route(
    {
      method: "get",
      path: `${API}/me`,
      summary: "The signed-in principal and its roles",
      access: "any",
      response: meResponse,
    },
    (c) => {
      const p = c.get("principal");
      return c.json({ type: p.type, id: p.id, isAdmin: p.isAdmin, email: p.email ?? null, roles: p.roles });
    },
  ),
  route(
    {
      method: "get",
      path: `${API}/pilots`,
      summary: "Pilots visible to the principal",
      access: "any",
      response: pilotsResponse,
    },
    async (c) => {
      const list = await visiblePilots(c.env.DB, c.get("principal"));
      return c.json({
        pilots: list.map((p) => ({
          key: p.key,
          name: p.name,
          organisation: p.organisation,
          timezone: p.timezone,
          roles: p.roles,
        })),
      });
    },
  ),
  route(
    {
      method: "get",
      path: `${API}/tokens`,
      summary: "List API tokens (never their secret)",
      access: "admin",
      response: tokensResponse,
    },
    async (c) => c.json({ tokens: await listTokens(c.env.DB) }),
  ),
  route(
    {
      method: "post",
      path: `${API}/tokens`,
      summary: "Create an API token scoped to pilots and a role; the secret is shown once",
      access: "admin",
      body: tokenBody,
      limit: 8 * 1024,
      response: tokenCreatedResponse,
      status: 201,
    },
    async (c, { body }) =>
      c.json(await createToken(c.env.DB, body, c.get("principal").userId ?? null, actorOf(c), Date.now()), 201),
  ),
  route(
    {
      method: "delete",
      path: `${API}/tokens/:id`,
      summary: "Revoke an API token",
      access: "admin",
      response: tokenRevokedResponse,
    },
    async (c) => c.json(await revokeToken(c.env.DB, c.req.param("id"), actorOf(c), Date.now())),
  ),
  route(
    {
      method: "get",
      path: `${API}/audit`,
      summary: "Read the audit log (admins), newest first",
      access: "admin",
      query: auditQuery,
      response: auditResponse,
    },
    async (c, { query }) => c.json(await readAudit(c.env.DB, query)),
  ),
  route(
    {
      method: "get",
      path: `${API}/instruments`,
      summary: "Instruments with their versions",
      access: "any",
      response: instrumentsResponse,
    },
    async (c) => {
      const p = c.get("principal");
      const visible =
        p.isAdmin || p.roles.some((r) => r.pilotId === null)
          ? "all"
          : p.roles.map((r) => r.pilotId!).filter((x) => x !== null);
      return c.json({ instruments: await listInstruments(c.env.DB, visible) });
    },
  ),
  route(
    {
      method: "post",
      path: `${API}/instruments/import`,
      summary:
        "Import a wave-instrument definition file (items, scale, subscales, reverse " +
        "keys, norms); a change makes a new version (201; 200 when unchanged)",
      access: "admin",
      body: instrumentDefinitionBody,
      limit: 512 * 1024,
      response: instrumentVersionResponse,
      status: [200, 201],
    },
    async (c, { body }) => {
      const result = await importInstrument(c.env.DB, body, actorOf(c), Date.now());
      return c.json(result, result.created ? 201 : 200);
    },
  ),
  route(
    {
      method: "get",
      path: `${API}/instruments/:key`,
      summary: "The current definition of an instrument (or ?version=n)",
      access: "any",
      response: instrumentResponse,
    },
    async (c) => {
      const v = c.req.query("version");
      const version = v === undefined ? undefined : Number(v);
      if (version !== undefined && (!Number.isInteger(version) || version < 1))
        throw new AppError("validation", "version must be a positive integer");
      const row = await instrumentVersion(c.env.DB, c.req.param("key") ?? "", version);
      const p = c.get("principal");
      if (row.pilotId !== null && !p.isAdmin && !p.roles.some((r) => r.pilotId === null || r.pilotId === row.pilotId))
        throw new AppError("forbidden", "No access to this pilot's items");
      return c.json({
        key: c.req.param("key"),
        version: row.version,
        complete: row.complete,
        definition: row.definition,
      });
    },
  ),
);
