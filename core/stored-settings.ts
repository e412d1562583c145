// The one reader of a pilot's stored settings column (`pilots.settings`): JSON text as D1 returns it, the
// object drizzle returns, or nothing. The settings were validated when they were saved (settingsBody);
// worker/studies/settings.ts gives the result its type and each domain reads its own part. Pure; no imports.
export function readStoredSettings(stored: unknown): Record<string, unknown> {
  if (typeof stored === "string") return stored ? (JSON.parse(stored) as Record<string, unknown>) : {};
  return (stored ?? {}) as Record<string, unknown>;
}
