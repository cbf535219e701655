// tessera validate --machine M.json --profile P.json [--json]
// Exit 0: no error (warnings allowed); 1: the layout has errors; 2: unreadable or malformed input.
import { diagnosticsToJson, hasErrors, validate, type Diagnostic } from "@tessera/core";
import { ArgError, parseArgs } from "./args";
import type { CliIo } from "./io";
import { loadMachine, loadProfile } from "./load-inputs";

const HELP = `usage: tessera validate --machine MACHINE.json --profile PROFILE.json [--json]

Checks a partition profile against a machine and prints every finding.
  --machine FILE   a tessera/machine@1 file (from tessera discover --json, or examples/machine.json)
  --profile FILE   a tessera/profile@1 file
  --json           print {"ok": bool, "diagnostics": [...]} instead of text
Exit status: 0 no errors (warnings allowed), 1 errors found, 2 unreadable or malformed input.`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  let args;
  try {
    args = parseArgs(argv, { values: ["machine", "profile"], flags: ["json"] });
  } catch (err) {
    io.err(`tessera validate: ${(err as ArgError).message}\n\n${HELP}`);
    return 2;
  }
  if (args.flags.has("help")) {
    io.out(HELP);
    return 0;
  }
  const missing = ["machine", "profile"].filter((k) => !args.values[k]);
  if (missing.length || args.positional.length) {
    io.err(
      `tessera validate: ${missing.length ? `missing ${missing.map((m) => `--${m}`).join(" and ")}` : `unexpected argument ${args.positional[0]}`}\n\n${HELP}`,
    );
    return 2;
  }
  const [machine, profile] = await Promise.all([
    loadMachine(io, args.values.machine!),
    loadProfile(io, args.values.profile!),
  ]);
  const problems = [machine, profile]
    .filter((r) => !r.ok)
    .map((r) => (r as { message: string }).message);
  if (!machine.ok || !profile.ok) {
    io.err(problems.join("\n"));
    return 2;
  }
  const diagnostics = validate(machine.value, profile.value);
  const ok = !hasErrors(diagnostics);
  if (args.flags.has("json")) {
    io.out(JSON.stringify({ ok, diagnostics: diagnosticsToJson(diagnostics) }, null, 2));
  } else {
    io.out(formatDiagnostics(profile.value.name, diagnostics));
  }
  return ok ? 0 : 1;
}

export function formatDiagnostics(profileName: string, diagnostics: Diagnostic[]): string {
  const count = (s: string) => diagnostics.filter((d) => d.severity === s).length;
  const e = count("error");
  const w = count("warning");
  const i = count("info");
  const head = `${profileName}: ${e} error${e === 1 ? "" : "s"}, ${w} warning${w === 1 ? "" : "s"}, ${i} info`;
  const body = diagnostics.map(
    (d) =>
      `\n${d.severity.padEnd(7)} ${d.code}  ${d.path}${d.instance ? `  (${d.instance})` : ""}\n  ${d.message}\n  hint: ${d.hint}`,
  );
  return [head, ...body].join("\n");
}
