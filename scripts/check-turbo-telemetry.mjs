// Every root script that runs turbo must turn its telemetry off: on a fresh machine turbo
// otherwise prints a five-line "Attention: Turborepo now collects … telemetry" notice into
// `npm test`, `npm run build` and `npm start`, and reports usage.
//
//   node scripts/check-turbo-telemetry.mjs
//
// Exit 0 when every such script sets TURBO_TELEMETRY_DISABLED=1 before turbo, 1 naming those
// that do not.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const path = fileURLToPath(new URL("../package.json", import.meta.url));
const scripts = JSON.parse(readFileSync(path, "utf8")).scripts ?? {};
// Each turbo in a script (`a && turbo …; turbo …`) counts: every one needs its own prefix.
const count = (cmd, re) => (cmd.match(re) ?? []).length;
const bad = Object.entries(scripts).filter(
  ([, cmd]) =>
    count(cmd, /(^|[\s;&|])turbo\s/g) !==
    count(cmd, /(^|[\s;&|])TURBO_TELEMETRY_DISABLED=1\s+turbo\s/g),
);
if (bad.length) {
  console.error(
    `check-turbo-telemetry: ${path}: these scripts run turbo without TURBO_TELEMETRY_DISABLED=1 in front: ${bad.map(([k]) => k).join(", ")}`,
  );
  process.exitCode = 1;
} else {
  console.log("check-turbo-telemetry: every script that runs turbo turns its telemetry off");
}
