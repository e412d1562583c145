// SPSS syntax (wide.sps) and an R script (wide.R) that read a pilot's wide.csv with variable labels, the
// coded columns (status, response, bands, flags, changes) as numeric codes with value labels, and the
// missing values declared. Generated from the same column definitions as wide.csv (exports.ts
// wideVariables), so a column added there is read, labelled and coded here too. Pure.
import { MISSING_CODE, type Coding, type Variable } from "./exports";

/** Display width of an SPSS numeric: enough for the integer part, sign, point and decimals. */
const spssFormat = (v: Variable) =>
  v.type === "string" ? `A${v.name === "participant_code" ? 64 : 32}` : `F12.${v.decimals ?? 4}`;
/** A string literal in SPSS syntax: single quotes, doubled inside. */
const spssString = (s: string) => `'${s.replace(/'/g, "''")}'`;
/** A string literal in R: double quotes, backslashes and quotes escaped. */
const rString = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;

/** Every code of a coding with its label, declared missing ones included. */
function codeLabels(c: Coding): { code: number; label: string; missing: boolean }[] {
  const out = c.codes.map((x) => ({ code: x.code, label: `${x.label.nl} / ${x.label.en}`, missing: false }));
  if (c.empty)
    out.push({ code: c.empty.code, label: `${c.empty.label.nl} / ${c.empty.label.en}`, missing: c.empty.missing });
  if (c.notComputed && !out.some((x) => x.code === c.notComputed!.code)) {
    out.push({
      code: c.notComputed.code,
      label: `${c.notComputed.label.nl} / ${c.notComputed.label.en}`,
      missing: true,
    });
  }
  return out.sort((a, b) => a.code - b.code);
}
const missingCodes = (c: Coding) =>
  codeLabels(c)
    .filter((x) => x.missing)
    .map((x) => x.code);

/** Long lists on several lines (SPSS and R both continue a command on the next line). */
const wrap = (items: string[], indent: string, width = 100) => {
  const lines: string[] = [];
  let line = "";
  for (const it of items) {
    if (line && line.length + it.length + 1 > width) lines.push(line), (line = "");
    line = line ? `${line} ${it}` : it;
  }
  if (line) lines.push(line);
  return lines.map((l) => indent + l).join("\n");
};

/** SPSS syntax for `<pilot>-wide.csv` (SPSS 22 or later: UTF-8 and DELETE VARIABLES). */
export function spssSyntax(vars: Variable[], csvName: string, pilot: string): string {
  const coded = vars.filter((v) => v.coding);
  const out: string[] = [
    "* Encoding: UTF-8.",
    `* SPSS syntax for ${csvName}: pilot ${pilot}, generated from its codebook by the outcome monitor.`,
    `* Put this file next to ${csvName} (or change the path in FILE HANDLE) and run it all.`,
    "* Coded columns (status, response, colour bands, flags, reliable change) become numeric codes with value labels;",
    `* code ${MISSING_CODE} is declared missing. Empty numeric cells are system-missing, never 0.`,
    "",
    `FILE HANDLE wide /NAME=${spssString(csvName)}.`,
    "GET DATA /TYPE=TXT /FILE=wide /ENCODING='UTF8' /ARRANGEMENT=DELIMITED /DELCASE=LINE /FIRSTCASE=2",
    '  /DELIMITERS="," /QUALIFIER=\'"\'',
    "  /VARIABLES=",
    ...vars.map((v) => `  ${v.name} ${spssFormat(v)}`),
    ".",
    "",
    "* The words of the coded columns as numeric codes (wide.csv keeps the words).",
  ];
  for (const v of coded) {
    const c = v.coding!;
    const pairs = c.codes.map((x) => `(${spssString(x.value)}=${x.code})`);
    pairs.push(`(ELSE=${c.empty ? c.empty.code : "SYSMIS"})`);
    out.push(`RECODE ${v.name} ${pairs.join(" ")} INTO ${v.name}_c.`);
    if (c.notComputed) out.push(`IF (MISSING(${c.notComputed.when})) ${v.name}_c = ${c.notComputed.code}.`);
  }
  if (coded.length) {
    out.push(
      "EXECUTE.",
      "DELETE VARIABLES",
      wrap(
        coded.map((v) => v.name),
        "  ",
      ),
      ".",
      "RENAME VARIABLES",
      ...coded.map((v) => `  (${v.name}_c = ${v.name})`),
      ".",
      "FORMATS",
      wrap(
        coded.map((v) => v.name),
        "  ",
      ),
      "  (F2.0).",
    );
  }
  out.push(
    "* Back into the codebook's order.",
    "MATCH FILES /FILE=* /KEEP=",
    wrap(
      vars.map((v) => v.name),
      "  ",
    ),
    ".",
    "EXECUTE.",
    "",
    "VARIABLE LABELS",
    `  ${vars.map((v) => `${v.name} ${spssString(v.label.nl)}`).join("\n  /")}`,
    ".",
  );
  if (coded.length) {
    out.push(
      "",
      "VALUE LABELS",
      `  ${coded
        .map(
          (v) =>
            `${v.name}\n${codeLabels(v.coding!)
              .map((x) => `    ${x.code} ${spssString(x.label)}`)
              .join("\n")}`,
        )
        .join("\n  /")}`,
      ".",
    );
    const withMissing = coded.filter((v) => missingCodes(v.coding!).length);
    if (withMissing.length)
      out.push(
        "",
        "MISSING VALUES",
        `  ${withMissing.map((v) => `${v.name} (${missingCodes(v.coding!).join(", ")})`).join("\n  /")}`,
        ".",
      );
    out.push(
      "",
      "VARIABLE LEVEL",
      wrap(
        coded.map((v) => v.name),
        "  ",
      ),
      "  (NOMINAL).",
    );
  }
  const numeric = vars.filter((v) => v.type === "numeric");
  if (numeric.length)
    out.push(
      "VARIABLE LEVEL",
      wrap(
        numeric.map((v) => v.name),
        "  ",
      ),
      "  (SCALE).",
    );
  out.push("EXECUTE.", "");
  return out.join("\n");
}

/** An R script (base R only) for `<pilot>-wide.csv`; labels as the attributes haven and labelled read. */
export function rScript(vars: Variable[], csvName: string, pilot: string): string {
  const coded = vars.filter((v) => v.coding);
  const out: string[] = [
    `# R script for ${csvName}: pilot ${pilot}, generated from its codebook by the outcome monitor.`,
    `# Put it next to ${csvName} (or change \`path\`) and source() it: the data frame is \`wide\`.`,
    "# Coded columns (status, response, colour bands, flags, reliable change) become numeric codes with value labels",
    '# (attribute "labels"); variable labels are attribute "label" (as haven/labelled use them). Empty cells and the',
    `# declared missing code ${MISSING_CODE} are NA; the reason stays in the value labels.`,
    "",
    `path <- ${rString(csvName)}`,
    'wide <- read.csv(path, fileEncoding = "UTF-8-BOM", na.strings ' +
      '= "", check.names = FALSE, stringsAsFactors = FALSE,',
    "  colClasses = c(",
    vars.map((v) => `    ${v.name} = ${v.type === "numeric" ? '"numeric"' : '"character"'}`).join(",\n"),
    "  ))",
    "",
    "code <- function(x, codes, empty = NA_real_) {",
    "  y <- unname(codes[x])",
    "  y[is.na(x)] <- empty",
    "  as.numeric(y)",
    "}",
    "",
    "# The words of the coded columns as numeric codes (wide.csv keeps the words).",
  ];
  for (const v of coded) {
    const c = v.coding!;
    const codes = `c(${c.codes.map((x) => `${rString(x.value)} = ${x.code}`).join(", ")})`;
    out.push(`wide$${v.name} <- code(wide$${v.name}, ${codes}${c.empty ? `, empty = ${c.empty.code}` : ""})`);
    if (c.notComputed) out.push(`wide$${v.name}[is.na(wide$${c.notComputed.when})] <- ${c.notComputed.code}`);
  }
  out.push("", "# Missing values: the declared missing codes become NA (their meaning is in the value labels).");
  for (const v of coded) {
    const m = missingCodes(v.coding!);
    if (m.length) out.push(`wide$${v.name}[wide$${v.name} %in% c(${m.join(", ")})] <- NA`);
  }
  out.push("", "# Variable labels.");
  for (const v of vars) out.push(`attr(wide$${v.name}, "label") <- ${rString(v.label.nl)}`);
  out.push("", "# Value labels.");
  for (const v of coded) {
    out.push(
      `attr(wide$${v.name}, "labels") <- c(${codeLabels(v.coding!)
        .map((x) => `${rString(x.label)} = ${x.code}`)
        .join(", ")})`,
    );
  }
  out.push("");
  return out.join("\n");
}
