// The column sections of report table 3.3 (the integral table), in its order, with their labels: one
// definition for the summary's schema (worker/reports/responses.ts), its builder and the report pages.
// Pure; no imports.
export const INTEGRAL_SECTION_KEYS = ["target", "treatment", "pilot", "outcomes"] as const;
export type IntegralSection = (typeof INTEGRAL_SECTION_KEYS)[number];

/** Section labels of report table 3.3, in its order. */
export const INTEGRAL_SECTIONS: { key: IntegralSection; label: { nl: string; en: string } }[] = [
  { key: "target", label: { nl: "Doelgroepkenmerken", en: "Target group" } },
  { key: "treatment", label: { nl: "Behandelkenmerken", en: "Treatment" } },
  { key: "pilot", label: { nl: "Pilotspecifieke kenmerken", en: "Pilot-specific" } },
  { key: "outcomes", label: { nl: "Uitkomsten", en: "Outcomes" } },
];
