// Instrument definitions as data. Texts are Dutch first, English second. The frequent instruments are
// built in (report §2.3.4 and table 2.2). The licensed wave instruments (GCI-R, ATMQ, TASC) ship only
// with their structure and scoring plus clearly labelled demo items and demo norms; a real deployment
// imports the licence holder's texts and the manuals' norms as a new instrument version.

export type Text = { nl: string; en: string };

export type Item =
  | {
      key: string;
      type: "slider";
      text: Text;
      low: Text;
      high: Text;
      /** offers a "niet van toepassing" choice (the partner item) */
      allowNotApplicable?: boolean;
      /** asked only once the youth has left care (Sterk Huis item 4) */
      onlyWhenLeftCare?: boolean;
    }
  | { key: string; type: "yesno"; text: Text }
  | { key: string; type: "likert"; text: Text; subscale: string; reverse?: boolean };

export type Norm = { mean: number; sd: number; reliability: number; p25?: number; p75?: number; demo?: boolean };

export type Subscale = { key: string; label: Text; higherIsBetter: boolean; norm?: Norm };

export type InstrumentDefinition = {
  key: string;
  kind: "frequent" | "wave";
  title: Text;
  /** Likert scale for wave instruments */
  scale?: { min: number; max: number; labels: Text[] };
  items: Item[];
  subscales?: Subscale[];
  /** norm of the total over all items (GCI-R "Totaal leefklimaat", report table 3.3) */
  totalNorm?: Norm;
  /** true when the item texts are demo placeholders (licensed instrument not yet imported) */
  demo?: boolean;
  pilot?: string;
};

const slider = (key: string, nl: string, en: string, extra: Partial<Extract<Item, { type: "slider" }>> = {}): Item => ({
  key,
  type: "slider",
  text: { nl, en },
  low: { nl: "helemaal niet", en: "not at all" },
  high: { nl: "helemaal wel", en: "completely" },
  ...extra,
});

const howIsIt = { low: { nl: "slecht", en: "bad" }, high: { nl: "goed", en: "good" } };

export const WELZIJN: InstrumentDefinition = {
  key: "welzijn",
  kind: "frequent",
  title: { nl: "Hoe gaat het?", en: "How are you?" },
  items: [
    slider("persoonlijk", "Hoe gaat het met jou, met jezelf?", "How are you doing, yourself?", howIsIt),
    slider("gezin", "Hoe gaat het in het contact met je gezin?", "How is contact with your family?", howIsIt),
    slider("vrienden", "Hoe gaat het in het contact met je vrienden?", "How is contact with your friends?", howIsIt),
    slider("algemeen", "Hoe gaat het in het algemeen?", "How are things in general?", howIsIt),
    slider("partner", "Hoe gaat het in het contact met je (ex-)partner?", "How is contact with your (ex-)partner?", {
      ...howIsIt,
      allowNotApplicable: true,
    }),
  ],
};

export const FUNCTIONEREN: InstrumentDefinition = {
  key: "functioneren",
  kind: "frequent",
  title: { nl: "School en werk", en: "School and work" },
  items: [
    slider(
      "school_werk",
      "Hoe gaat het op school, werk of dagbesteding?",
      "How is it going at school, work or day programme?",
      howIsIt,
    ),
  ],
};

export const BASISBEHOEFTEN: InstrumentDefinition = {
  key: "basisbehoeften",
  kind: "frequent",
  title: { nl: "Over jou", en: "About you" },
  items: [
    slider("gezien", "Ik voel me gezien en gehoord door de begeleiding", "I feel seen and heard by my counsellors"),
    slider("beslissen", "Ik kan mee beslissen", "I have a say in decisions"),
    slider("goed_in", "Ik weet waar ik goed in ben", "I know what I am good at"),
  ],
};

export const PILOT_ITEMS: Record<string, InstrumentDefinition> = {
  fier: {
    key: "pilot_fier",
    kind: "frequent",
    pilot: "fier",
    title: { nl: "Nog een paar vragen", en: "A few more questions" },
    items: [
      slider("toekomst", "Ik heb een duidelijk beeld van mijn toekomst.", "I have a clear picture of my future."),
      slider("talenten", "Ik weet wat mijn talenten en hobby's zijn.", "I know my talents and hobbies."),
      slider("motivatie_school", "Ik ben gemotiveerd om naar school te gaan.", "I am motivated to go to school."),
      {
        key: "weggebleven",
        type: "yesno",
        text: {
          nl: "Ben je in de laatste twee weken wel eens weggebleven van school?",
          en: "Did you stay away from school in the last two weeks?",
        },
      },
    ],
  },
  gezinshuizen: {
    key: "pilot_gezinshuizen",
    kind: "frequent",
    pilot: "gezinshuizen",
    title: { nl: "Nog een paar vragen", en: "A few more questions" },
    items: [
      slider(
        "na_gezinshuis",
        "Ik heb een duidelijk beeld wat ik wil na de tijd van het gezinshuis.",
        "I know what I want after my time in the family home.",
      ),
      slider(
        "terecht",
        "Ik kan altijd bij mijn gezinshuisouders terecht als ik problemen heb.",
        "I can always turn to my family-home parents when I have problems.",
      ),
      slider(
        "contact_houden",
        "De gezinshuisouder helpt mij contact te houden met de mensen die belangrijk voor mij zijn.",
        "My family-home parent helps me stay in touch with the people who matter to me.",
      ),
    ],
  },
  sterkhuis: {
    key: "pilot_sterkhuis",
    kind: "frequent",
    pilot: "sterkhuis",
    title: { nl: "Nog een paar vragen", en: "A few more questions" },
    items: [
      slider(
        "toekomst",
        "Ik werk aan mijn toekomst bij Sterk Huis (diploma/startkwalificatie/arbeidscompetenties).",
        "I am working on my future at Sterk Huis (diploma/qualification/work skills).",
      ),
      slider(
        "begeleiding",
        "Hoe vind je de begeleiding van de Leerwerkcoach?",
        "How do you find the guidance of your learning-work coach?",
        howIsIt,
      ),
      slider(
        "contact",
        "Hoe is het contact tussen jou en de Leerwerkcoach?",
        "How is the contact between you and your learning-work coach?",
        howIsIt,
      ),
      slider(
        "terugblik",
        "Hoe kijk je nu terug op de begeleiding door de Leerwerkcoach?",
        "Looking back, how was the guidance by your learning-work coach?",
        {
          ...howIsIt,
          onlyWhenLeftCare: true,
        },
      ),
    ],
  },
  viajeugd: {
    key: "pilot_viajeugd",
    kind: "frequent",
    pilot: "viajeugd",
    title: { nl: "Nog een paar vragen", en: "A few more questions" },
    items: [
      slider("therapie", "Ik ben gemotiveerd voor het volgen van een therapie.", "I am motivated to follow therapy."),
      slider(
        "toevoeging",
        "Het contact met de ervaringsdeskundige voegt iets toe aan mijn verblijf.",
        "Contact with the peer expert adds something to my stay.",
      ),
      slider(
        "kant",
        "Ik heb het gevoel dat de ervaringsdeskundige mijn kant kiest en probeert om mij te helpen.",
        "I feel the peer expert takes my side and tries to help me.",
      ),
      slider(
        "veranderen",
        "Ik gebruik de tijd met mijn ervaringsdeskundige om mijn leven te veranderen.",
        "I use my time with my peer expert to change my life.",
      ),
      slider(
        "samenwerken",
        "Ik denk dat mijn ervaringsdeskundige en ik goed samen werken aan mijn problemen.",
        "I think my peer expert and I work well together on my problems.",
      ),
    ],
  },
};

function demoLikert(
  key: string,
  title: Text,
  subscales: Subscale[],
  perSubscale: number[],
  scale: InstrumentDefinition["scale"],
): InstrumentDefinition {
  const items: Item[] = [];
  subscales.forEach((s, si) => {
    for (let i = 0; i < (perSubscale[si] ?? 0); i++) {
      const n = items.length + 1;
      items.push({
        key: `item${n}`,
        type: "likert",
        subscale: s.key,
        text: { nl: `Demo-item ${n} — ${s.label.nl}`, en: `Demo item ${n} — ${s.label.en}` },
      });
    }
  });
  return { key, kind: "wave", title, scale, items, subscales, demo: true };
}

const demoNorm = (mean: number, sd: number, reliability: number, p25?: number, p75?: number): Norm => ({
  mean,
  sd,
  reliability,
  ...(p25 === undefined ? {} : { p25, p75 }),
  demo: true,
});

/** Structure from report §2.3; items and norms are demo placeholders until the licensed definition is imported. */
export const GCIR: InstrumentDefinition = {
  ...demoLikert(
    "gcir",
    { nl: "Vragenlijst over je groep", en: "Questionnaire about your group" },
    [
      {
        key: "ondersteuning",
        label: { nl: "Ondersteuning", en: "Support" },
        higherIsBetter: true,
        norm: demoNorm(3.4, 0.7, 0.9),
      },
      { key: "groei", label: { nl: "Groei", en: "Growth" }, higherIsBetter: true, norm: demoNorm(3.3, 0.7, 0.85) },
      {
        key: "repressie",
        label: { nl: "Repressie", en: "Repression" },
        higherIsBetter: false,
        norm: demoNorm(2.9, 0.7, 0.8),
      },
      {
        key: "onderlinge_omgang",
        label: { nl: "Onderlinge omgang", en: "Peer interaction" },
        higherIsBetter: true,
        norm: demoNorm(3.2, 0.6, 0.8),
      },
      {
        key: "leefomgeving",
        label: { nl: "Leefomgeving", en: "Living environment" },
        higherIsBetter: true,
        norm: demoNorm(3.3, 0.8, 0.8),
      },
    ],
    [8, 8, 8, 8, 8],
    {
      min: 1,
      max: 5,
      labels: [
        { nl: "helemaal niet waar", en: "not at all true" },
        { nl: "niet waar", en: "not true" },
        { nl: "soms waar", en: "sometimes true" },
        { nl: "waar", en: "true" },
        { nl: "helemaal waar", en: "completely true" },
      ],
    },
  ),
  totalNorm: demoNorm(3.3, 0.6, 0.9),
};

export const ATMQ = demoLikert(
  "atmq",
  { nl: "Vragenlijst over jouw verblijf", en: "Questionnaire about your stay" },
  [
    {
      key: "totaal",
      label: { nl: "Totaal", en: "Total" },
      higherIsBetter: true,
      norm: demoNorm(2.3, 0.4, 0.8, 2.0, 2.6),
    },
  ],
  [11],
  {
    min: 1,
    max: 3,
    labels: [
      { nl: "niet waar", en: "not true" },
      { nl: "beetje waar", en: "a bit true" },
      { nl: "waar", en: "true" },
    ],
  },
);

export const TASC = demoLikert(
  "tasc",
  { nl: "Vragenlijst over jouw begeleider", en: "Questionnaire about your counsellor" },
  [{ key: "totaal", label: { nl: "Totaal", en: "Total" }, higherIsBetter: true, norm: demoNorm(3.1, 0.5, 0.85) }],
  [12],
  {
    min: 1,
    max: 4,
    labels: [
      { nl: "helemaal niet waar", en: "not at all true" },
      { nl: "een beetje waar", en: "a little true" },
      { nl: "best waar", en: "quite true" },
      { nl: "helemaal waar", en: "completely true" },
    ],
  },
);

export const BUILT_IN: InstrumentDefinition[] = [
  WELZIJN,
  FUNCTIONEREN,
  BASISBEHOEFTEN,
  ...Object.values(PILOT_ITEMS),
  GCIR,
  ATMQ,
  TASC,
];

export type Indicator = {
  key: string;
  label: Text;
  instrument: string;
  /** items averaged into the score (the partner item is excluded from welzijn, report §2.3.4) */
  items: string[];
  aggregate: "mean" | "count_yes";
  higherIsBetter: boolean;
  /**
   * A pilot item whose wording differs between the instrument versions that asked it: every such version
   * with its wording, oldest first (shown side by side in the codebook; worker/analysis/README.md).
   */
  versions?: { version: number; text: Text }[];
  /** a pilot item no longer in the newest version: its series ends, its measurements stay analysed */
  retired?: boolean;
};

/** One stored version of an instrument (instrument_versions.version and .definition). */
export type StoredVersion = { version: number; definition: InstrumentDefinition };
/** An instrument version as one occasion asks it: its definition and the items she is asked (survey, pages). */
export type AskedInstrument = { versionId: number; definition: InstrumentDefinition; items: Item[] };
/** The longest comment on an answer; the questionnaire (worker/survey/answers.ts) and the import refuse more. */
export const MAX_COMMENT = 500;

const sameText = (a: Text, b: Text) => a.nl === b.nl && a.en === b.en;

/**
 * The pilot-item indicators of every version of a pilot's item instrument (worker/analysis/README.md
 * "Instruments as data"): an item key is one indicator across versions (a stable key with new wording is
 * the same indicator, its wordings listed per version; a renamed key is a new indicator, and the old key
 * stays an indicator of the answers given to it). Order: the newest version's items, then retired items
 * (newest first). Label and aggregate come from the newest version that asked the item.
 */
export function pilotItemIndicators(instrument: string, versions: readonly StoredVersion[]): Indicator[] {
  const sorted = [...versions].sort((a, b) => a.version - b.version);
  const newest = sorted[sorted.length - 1];
  const keys: string[] = [];
  for (const v of [...sorted].reverse())
    for (const item of v.definition.items) if (!keys.includes(item.key)) keys.push(item.key);
  return keys.map((itemKey) => {
    const asked = sorted.flatMap((v) =>
      v.definition.items.filter((i) => i.key === itemKey).map((item) => ({ version: v.version, item })),
    );
    const last = asked[asked.length - 1]!.item;
    const changed = asked.some((a) => !sameText(a.item.text, last.text));
    return {
      key: `${instrument}.${itemKey}`,
      label: last.text,
      instrument,
      items: [itemKey],
      aggregate: last.type === "yesno" ? ("count_yes" as const) : ("mean" as const),
      higherIsBetter: true,
      ...(changed ? { versions: asked.map((a) => ({ version: a.version, text: a.item.text })) } : {}),
      ...(newest && !newest.definition.items.some((i) => i.key === itemKey) ? { retired: true } : {}),
    };
  });
}

/**
 * The frequent indicators analysed per youth (DESIGN.md §3). Each pilot item is its own indicator, taken from
 * the stored versions of the pilot's item instrument `pilot_<key>` (all of them, as asked); without stored
 * versions, from the built-in PILOT_ITEMS.
 */
export function frequentIndicators(pilotKey: string, pilotVersions?: readonly StoredVersion[]): Indicator[] {
  const base: Indicator[] = [
    {
      key: "welzijn",
      label: { nl: "Welzijn", en: "Wellbeing" },
      instrument: "welzijn",
      items: ["persoonlijk", "gezin", "vrienden", "algemeen"],
      aggregate: "mean",
      higherIsBetter: true,
    },
    {
      key: "functioneren",
      label: { nl: "Maatschappelijk functioneren", en: "Societal functioning" },
      instrument: "functioneren",
      items: ["school_werk"],
      aggregate: "mean",
      higherIsBetter: true,
    },
    {
      key: "basisbehoeften",
      label: { nl: "Basisbehoeften", en: "Basic needs" },
      instrument: "basisbehoeften",
      items: ["gezien", "beslissen", "goed_in"],
      aggregate: "mean",
      higherIsBetter: true,
    },
  ];
  const builtIn = PILOT_ITEMS[pilotKey];
  const versions = pilotVersions?.length ? pilotVersions : builtIn ? [{ version: 1, definition: builtIn }] : [];
  return [...base, ...pilotItemIndicators(`pilot_${pilotKey}`, versions)];
}

/** Wave instrument per pilot besides GCI-R (DESIGN.md §2 table). */
export const PILOT_WAVE_INSTRUMENT: Record<string, "atmq" | "tasc"> = {
  fier: "atmq",
  gezinshuizen: "tasc",
  sterkhuis: "atmq",
  viajeugd: "tasc",
};
