// What the workspace pages share: the pilot card every page links back to, an occasion's cell and the message
// keys of occasion states and youth statuses.
import type { MessageKey } from "../../../../core/i18n/messages";

export type PilotCard = { key: string; name: string; organisation: string; roles: string[] };
export type OccasionCell = {
  kind: "frequent" | "wave";
  wave: string | null;
  seq: number;
  dueDate: string;
  state: "answered" | "open" | "overdue" | "missed" | "cancelled" | "planned";
};

export const stateKey = (s: OccasionCell["state"]) => `staff.occ.${s}` as MessageKey;
export const statusKey = (s: string) => `staff.status.${s}` as MessageKey;
