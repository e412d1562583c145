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
import { actorOf } from "../http/auth";
import { pilotCreatedResponse, pilotResponse, staffListResponse, staffUserResponse } from "./responses";
import { API_BASE, mount, route } from "../http/operation";

const API = API_BASE;
export const ADMIN_BODY_LIMIT = 16 * 1024;

export const adminRoutes = mount(
  route(
    {
      method: "post",
      path: `${API}/pilots`,
      summary: "Create a pilot (admins); installs the built-in instruments",
      access: "admin",
      body: pilotBody,
      limit: ADMIN_BODY_LIMIT,
      response: pilotCreatedResponse,
      status: 201,
    },
    async (c, { body }) => {
      const pilot = await createPilot(c.env.DB, body, actorOf(c), Date.now());
      return c.json(
        { key: pilot.key, name: pilot.name, organisation: pilot.organisation, timezone: pilot.timezone },
        201,
      );
    },
  ),
  route(
    {
      method: "patch",
      path: `${API}/pilots/:pilot`,
      summary: "Change a pilot's name, organisation, time zone or instruments (admins)",
      access: "admin",
      body: pilotPatchBody,
      limit: ADMIN_BODY_LIMIT,
      response: pilotResponse,
    },
    async (c, { body }) => {
      const pilot = await pilotByKey(c.env.DB, c.req.param("pilot") ?? "");
      const updated = await updatePilot(c.env.DB, pilot, body, actorOf(c), Date.now());
      return c.json(pilotView(updated));
    },
  ),
  route(
    {
      method: "get",
      path: `${API}/staff`,
      summary: "Staff users with their roles (admins)",
      access: "admin",
      response: staffListResponse,
    },
    async (c) => c.json({ staff: await listStaff(c.env.DB) }),
  ),
  route(
    {
      method: "post",
      path: `${API}/staff`,
      summary: "Add a staff user with roles per pilot (admins); she signs in by magic link",
      access: "admin",
      body: staffUserBody,
      limit: ADMIN_BODY_LIMIT,
      response: staffUserResponse,
      status: 201,
    },
    async (c, { body }) => c.json(await createStaffUser(c.env.DB, body, actorOf(c), Date.now()), 201),
  ),
  route(
    {
      method: "put",
      path: `${API}/staff/:id/roles`,
      summary: "Replace a staff user's roles (admins)",
      access: "admin",
      body: staffRolesBody,
      limit: ADMIN_BODY_LIMIT,
      response: staffUserResponse,
    },
    async (c, { body }) => {
      const id = staffId(c.req.param("id"));
      return c.json(await replaceRoles(c.env.DB, id, body.roles, actorOf(c), Date.now()));
    },
  ),
  route(
    {
      method: "post",
      path: `${API}/staff/:id/disable`,
      summary: "Disable a staff user: ends her sessions and revokes her tokens (admins; not herself)",
      access: "admin",
      response: staffUserResponse,
    },
    async (c) => c.json(await disableStaffUser(c.env.DB, staffId(c.req.param("id")), actorOf(c), Date.now())),
  ),
);
