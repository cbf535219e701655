// A small, strict option parser: unknown options are errors that name the option.
export interface ArgSpec {
  /** Options that take a value: --machine FILE or --machine=FILE. */
  values?: string[];
  /** Options that are flags. */
  flags?: string[];
  /** Options that may repeat (values collected in order). */
  repeat?: string[];
}

export interface ParsedArgs {
  values: Record<string, string>;
  repeated: Record<string, string[]>;
  flags: Set<string>;
  positional: string[];
}

export class ArgError extends Error {}

export function parseArgs(argv: string[], spec: ArgSpec): ParsedArgs {
  const values: Record<string, string> = {};
  const repeated: Record<string, string[]> = {};
  const flags = new Set<string>();
  const positional: string[] = [];
  const takesValue = new Set([...(spec.values ?? []), ...(spec.repeat ?? [])]);
  const isFlag = new Set([...(spec.flags ?? []), "help"]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a === "-h") {
      flags.add("help");
      continue;
    }
    if (!a.startsWith("--")) {
      if (a.startsWith("-") && a.length > 1) {
        // short forms: -o FILE
        const long = a === "-o" ? "output" : null;
        if (long && takesValue.has(long)) {
          const v = argv[++i];
          if (v === undefined) throw new ArgError(`${a} needs a value`);
          values[long] = v;
          continue;
        }
        throw new ArgError(`unknown option ${a}`);
      }
      positional.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = a.slice(2, eq === -1 ? undefined : eq);
    if (isFlag.has(name)) {
      if (eq !== -1) throw new ArgError(`--${name} takes no value`);
      flags.add(name);
    } else if (takesValue.has(name)) {
      const v = eq === -1 ? argv[++i] : a.slice(eq + 1);
      if (v === undefined) throw new ArgError(`--${name} needs a value`);
      if (spec.repeat?.includes(name)) (repeated[name] ??= []).push(v);
      else values[name] = v;
    } else {
      throw new ArgError(`unknown option --${name}`);
    }
  }
  return { values, repeated, flags, positional };
}
