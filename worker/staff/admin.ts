// Setting up the study over the JSON API (admins): pilots, staff users and their roles per pilot. The
// logic, validation and audit live in ./admin-service.ts, shared with the admin pages.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { AppError } from "../errors";
import { pilotBody, pilotPatchBody, staffRolesBody, staffUserBody } from "../studies/validators";
import {
  createPilot,
  createStaffUser,
  disableStaffUser,
  listStaff,
  pilotByKey,
  pilotView,
  replaceRoles,
  staffId,
  updatePilot,
} from "./admin-service";
import { actorOf, requireAdmin, requireStaff, type StaffEnv } from "./auth";
import { pilotCreatedResponse, pilotResponse, staffListResponse, staffUserResponse } from "./responses";
import { API_BASE, jsonBody, op } from "./openapi";

const API = API_BASE;
export const ADMIN_BODY_LIMIT = 16 * 1024;
const limit = bodyLimit({
  maxSize: ADMIN_BODY_LIMIT,
  onError: () => {
    throw new AppError("payload_too_large", "Body larger than 16 KiB");
  },
});

export const adminRoutes = new Hono<StaffEnv>()
  .use("/staff", requireStaff)
  .use("/staff/*", requireStaff)
  .post(
    op({
      method: "post",
      path: `${API}/pilots`,
      summary: "Create a pilot (admins); installs the built-in instruments",
      access: "admin",
      body: pilotBody,
      response: pilotCreatedResponse,
      status: 201,
    }),
    requireStaff,
    limit,
    async (c) => {
      requireAdmin(c);
      const pilot = await createPilot(c.env.DB, await jsonBody(c, pilotBody), actorOf(c), Date.now());
      return c.json(
        { key: pilot.key, name: pilot.name, organisation: pilot.organisation, timezone: pilot.timezone },
        201,
      );
    },
  )
  .patch(
    op({
      method: "patch",
      path: `${API}/pilots/:pilot`,
      summary: "Change a pilot's name, organisation, time zone or instruments (admins)",
      access: "admin",
      body: pilotPatchBody,
      response: pilotResponse,
    }),
    requireStaff,
    limit,
    async (c) => {
      requireAdmin(c);
      const pilot = await pilotByKey(c.env.DB, c.req.param("pilot") ?? "");
      const updated = await updatePilot(c.env.DB, pilot, await jsonBody(c, pilotPatchBody), actorOf(c), Date.now());
      return c.json(pilotView(updated));
    },
  )
  .get(
    op({
      method: "get",
      path: `${API}/staff`,
      summary: "Staff users with their roles (admins)",
      access: "admin",
      response: staffListResponse,
    }),
    async (c) => {
      requireAdmin(c);
      return c.json({ staff: await listStaff(c.env.DB) });
    },
  )
  .post(
    op({
      method: "post",
      path: `${API}/staff`,
      summary: "Add a staff user with roles per pilot (admins); she signs in by magic link",
      access: "admin",
      body: staffUserBody,
      response: staffUserResponse,
      status: 201,
    }),
    limit,
    async (c) => {
      requireAdmin(c);
      return c.json(await createStaffUser(c.env.DB, await jsonBody(c, staffUserBody), actorOf(c), Date.now()), 201);
    },
  )
  .put(
    op({
      method: "put",
      path: `${API}/staff/:id/roles`,
      summary: "Replace a staff user's roles (admins)",
      access: "admin",
      body: staffRolesBody,
      response: staffUserResponse,
    }),
    limit,
    async (c) => {
      requireAdmin(c);
      const id = staffId(c.req.param("id"));
      const body = await jsonBody(c, staffRolesBody);
      return c.json(await replaceRoles(c.env.DB, id, body.roles, actorOf(c), Date.now()));
    },
  )
  .post(
    op({
      method: "post",
      path: `${API}/staff/:id/disable`,
      summary: "Disable a staff user: ends her sessions and revokes her tokens (admins; not herself)",
      access: "admin",
      response: staffUserResponse,
    }),
    async (c) => {
      requireAdmin(c);
      return c.json(await disableStaffUser(c.env.DB, staffId(c.req.param("id")), actorOf(c), Date.now()));
    },
  );
