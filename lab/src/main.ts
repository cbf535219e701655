// `npm run lab`: boots the lab machine and leaves it running until Ctrl-C. The console it
// prints is the real agent in OS1 with the direct loader: start and stop real kernels there.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startLab } from "./lab";
import { labProfileJson } from "./lab-profile";
import { LAB_CACHE } from "./paths";

function parsePort(argv: string[]): number {
  const i = argv.indexOf("--port");
  if (i === -1) return 0;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    process.stderr.write(
      `lab: --port wants a TCP port (1-65535), not ${JSON.stringify(argv[i + 1])}\n`,
    );
    process.exit(2);
  }
  return n;
}

const logDir = join(LAB_CACHE, "logs");
const profileFile = join(LAB_CACHE, "lab-profile.json");
writeFileSync(profileFile, JSON.stringify(labProfileJson(), null, 2) + "\n");
try {
  const lab = await startLab({
    port: parsePort(process.argv.slice(2)),
    logDir,
    log: (line) => process.stdout.write(`lab: ${line}\n`),
  });
  process.stdout.write(
    [
      "",
      `  Console:  ${lab.url}`,
      `  Sign in:  admin / ${lab.adminPassword}  (one-time: the console then asks for your own)`,
      `  Serial:   ${logDir}/serial-0x3f8.log (OS1), -0x2f8 (os2), -0x3e8 (os3)`,
      "",
      `  Import the lab profile (Profiles → Import: ${profileFile}), make it active,`,
      "  then start os2 and os3 from the Run page. Ctrl-C stops the machine.",
      "",
    ].join("\n"),
  );
  const stop = () => void lab.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (e) {
  process.stderr.write(`lab: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
