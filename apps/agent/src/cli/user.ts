// `tessera user add|passwd|remove|list`: manage console users in the agent's database.
// Safe while the agent runs: SQLite's lock serialises the writers. A password set here is
// set by the person at this terminal for the account's user, like an admin's reset in the
// console: its user has to choose their own at the next sign-in, unless --permanent.
import { parseArgs, ArgError } from "./args";
import type { CliIo } from "./io";
import { resolve } from "node:path";
import { openDatabase } from "../db/database";
import { ROLES, UserStore, type Role } from "../db/users";
import { AuditLog } from "../db/audit";
import { DEFAULT_DATA_DIR } from "../config";
import { generatePassword } from "../auth/password";
import { AgentError } from "../errors";
import { UserService } from "../services/user-service";
import { PASSWORD_MIN_LENGTH } from "@tessera/core";

const HELP = `usage: tessera user <add|passwd|remove|list> [NAME] [options]

  add NAME --role viewer|operator|admin   create a user
  passwd NAME                             set a new password (ends that user's sessions)

  The user signs in with the password add or passwd set, and must then choose their own
  before anything else (as after an admin's reset in the console), unless --permanent.
  remove NAME                             delete a user (never the last admin)
  list                                    list users and roles (and who must still
                                          choose their own password)

options:
  --data-dir DIR        the agent's data directory (default apps/agent/tessera-data, as for
                        tessera serve) [TESSERA_DATA_DIR]
  --role ROLE           with add: viewer, operator or admin
  --password-file FILE  read the password from FILE (first line); else TESSERA_PASSWORD,
                        else a random one is generated and printed once
  --permanent           with add or passwd: the password stays; its user is not asked to
                        choose a new one (an account for scripts, or your own)`;

export async function run(args: string[], io: CliIo): Promise<number> {
  let p;
  try {
    p = parseArgs(args, { values: ["data-dir", "role", "password-file"], flags: ["permanent"] });
  } catch (err) {
    if (err instanceof ArgError) return (io.err(`tessera user: ${err.message}\n\n${HELP}`), 2);
    throw err;
  }
  if (p.flags.has("help")) return (io.out(HELP), 0);
  const [action, name, ...rest] = p.positional;
  if (!action || rest.length || !["add", "passwd", "remove", "list"].includes(action)) {
    io.err(
      `tessera user: ${action ? `unknown action ${JSON.stringify(action)}` : "which action?"}\n\n${HELP}`,
    );
    return 2;
  }
  if (action !== "list" && !name) return (io.err(`tessera user ${action}: which user? (NAME)`), 2);
  if (name && !/^[A-Za-z0-9._-]{1,64}$/.test(name))
    return (
      io.err(
        `tessera user: ${JSON.stringify(name)} is not a valid user name (letters, digits, . _ -)`,
      ),
      2
    );
  const role = p.values.role as Role | undefined;
  if (action === "add" && (!role || !ROLES.includes(role)))
    return (io.err(`tessera user add: --role must be one of ${ROLES.join(", ")}`), 2);

  const dataDir = resolve(
    io.cwd,
    p.values["data-dir"] ?? io.env.TESSERA_DATA_DIR ?? DEFAULT_DATA_DIR,
  );
  const db = openDatabase(dataDir);
  try {
    // The same service as the agent's /api/users (it audits each change); this process has
    // no live connections to end.
    const users = new UserService({ users: new UserStore(db), audit: new AuditLog(db) });
    const who = `cli:${io.env.USER ?? "unknown"}`;
    if (action === "list") {
      for (const u of users.list())
        io.out(
          `${u.name}\t${u.role}\t${u.createdAt}${u.mustChangePassword ? "\tmust choose a new password" : ""}`,
        );
      return 0;
    }
    const password = async (): Promise<{ value: string; generated: boolean }> => {
      if (p.values["password-file"])
        return {
          value: (await io.readFile(p.values["password-file"])).split("\n")[0]!,
          generated: false,
        };
      if (io.env.TESSERA_PASSWORD) return { value: io.env.TESSERA_PASSWORD, generated: false };
      return { value: generatePassword(), generated: true };
    };
    try {
      if (action === "add" || action === "passwd") {
        const pw = await password();
        if (pw.value.length < PASSWORD_MIN_LENGTH)
          return (
            io.err(`tessera user: the password needs at least ${PASSWORD_MIN_LENGTH} characters`),
            2
          );
        const mustChange = !p.flags.has("permanent");
        if (action === "add") await users.add(who, name!, role!, pw.value, mustChange);
        else await users.update(who, name!, { password: pw.value, mustChange });
        io.out(
          `${action === "add" ? `Added ${name} (${role})` : `New password for ${name}`} in ${dataDir}.${pw.generated ? ` Password: ${pw.value}` : ""}${mustChange ? ` ${name} chooses a new password at the next sign-in.` : ""}`,
        );
        return 0;
      }
      users.remove(who, name!);
      io.out(`Removed ${name} from ${dataDir}.`);
      return 0;
    } catch (err) {
      if (!(err instanceof AgentError)) throw err;
      const why =
        err.code === "NAME-TAKEN"
          ? `${name} already exists`
          : err.code === "USER-NOT-FOUND"
            ? `no user ${name}`
            : err.code === "LAST-ADMIN"
              ? `${name} is the last admin`
              : err.message;
      io.err(`tessera user ${action}: ${why}`);
      return 1;
    }
  } finally {
    db.close();
  }
}
