// Reads the machine and profile files a command was given. Every problem is reported with
// the file and the JSON path; nothing here throws at the user.
import {
  formatParseErrors,
  parseMachine,
  parseProfile,
  type Machine,
  type Profile,
} from "@tessera/core";
import type { CliIo } from "./io";

export type Loaded<T> = { ok: true; value: T } | { ok: false; message: string };

async function readJson(io: CliIo, file: string, what: string): Promise<Loaded<unknown>> {
  let text: string;
  try {
    text = await io.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EACCES"
          ? "permission denied"
          : code === "EISDIR"
            ? "is a directory"
            : (err as Error).message;
    return { ok: false, message: `${file}: cannot read the ${what} file: ${why}` };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return {
      ok: false,
      message: `${file}: the ${what} file is not valid JSON: ${(err as Error).message}`,
    };
  }
}

export async function loadMachine(io: CliIo, file: string): Promise<Loaded<Machine>> {
  const json = await readJson(io, file, "machine");
  if (!json.ok) return json;
  const r = parseMachine(json.value);
  if (!r.ok) return { ok: false, message: prefix(file, formatParseErrors(r.errors)) };
  return { ok: true, value: r.value };
}

export async function loadProfile(io: CliIo, file: string): Promise<Loaded<Profile>> {
  const json = await readJson(io, file, "profile");
  if (!json.ok) return json;
  const r = parseProfile(json.value);
  if (!r.ok) return { ok: false, message: prefix(file, formatParseErrors(r.errors)) };
  return { ok: true, value: r.value };
}

function prefix(file: string, lines: string): string {
  return lines
    .split("\n")
    .map((l) => `${file}: ${l}`)
    .join("\n");
}
