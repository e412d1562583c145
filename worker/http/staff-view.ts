import type { Context } from "hono";
import { type FunctionComponent, h } from "preact";
import { renderStaffPage } from "../lib/render";
import type { StaffUser } from "../../web/components/StaffLayout";
import { type StaffEnv, staffUserOf } from "./auth";

type Status = Parameters<typeof renderStaffPage>[2];

/**
 * A page of the staff workspace for the signed-in staff member: `Page` gets `props` and `user` (whom the header
 * shows, with the CSRF token its forms carry), so no page can show another user or forget the token. `status` and
 * `css` as in renderStaffPage.
 */
export function renderStaffView<P extends { user: StaffUser }>(
  c: Context<StaffEnv>,
  Page: FunctionComponent<P>,
  props: Omit<P, "user">,
  status?: Status,
  css?: string,
) {
  return renderStaffPage(c, h(Page, { ...props, user: staffUserOf(c) } as P), status, css);
}
