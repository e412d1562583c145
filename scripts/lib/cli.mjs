// Command-line handling shared by scripts/setup.mjs and scripts/rotate-contacts.mjs: one way to fail with a
// message and one argument parser (`--flag value` or `--flag=value`, --local/--remote, --help).

/** Prints the message and exits with the code (2: wrong arguments). */
export function fail(message, code = 1) {
  console.error(`\n✖ ${message}\n`);
  process.exit(code);
}

/**
 * Parses `argv`. `values` maps each flag that takes a value (and its short alias) to the option it sets,
 * optionally with a converter (`["config", resolve]`); --local and --remote are switches that exclude each
 * other; --help prints `usage`. Anything else fails with exit code 2.
 */
export function parseArgs(argv, { usage, values, defaults = {} }) {
  const out = { remote: false, local: false, ...defaults };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let value;
    const eq = a.indexOf("=");
    if (a.startsWith("--") && eq > 0) [a, value] = [a.slice(0, eq), a.slice(eq + 1)];
    const next = () => {
      const v = value ?? argv[++i];
      if (v === undefined || v.startsWith("--")) fail(`${a} needs a value.\n\n${usage}`, 2);
      return v;
    };
    const target = Object.hasOwn(values, a) ? values[a] : undefined;
    if (target) {
      const [key, convert = (v) => v] = Array.isArray(target) ? target : [target];
      out[key] = convert(next());
    } else if (a === "--remote") out.remote = true;
    else if (a === "--local") out.local = true;
    else if (a === "--help" || a === "-h") {
      console.log(usage);
      process.exit(0);
    } else fail(`Unknown argument: ${argv[i]}\n\n${usage}`, 2);
  }
  if (out.remote && out.local) fail(`Choose --local or --remote, not both.\n\n${usage}`, 2);
  return out;
}
