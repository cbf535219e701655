// OS1's boot configuration through GRUB. The agent owns one file, /etc/grub.d/42_tessera,
// that prints the Tessera menuentry (the 40_custom pattern), then regenerates grub.cfg.
// Order of an install: preview (diff) -> write a temp file beside the target -> check the
// entry with grub-script-check -> back up the old file -> rename into place (atomic) ->
// update-grub (or grub-mkconfig -o) -> grub-reboot for a one-time boot. Making it the
// default is a separate, explicit step. Tools run through an injected CommandRunner (only
// packages/kexec may spawn); without one the agent says which commands to run by hand.
import { access, chmod, copyFile, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { unifiedDiff } from "./line-diff";

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export type CommandRunner = (
  argv: string[],
  opts?: { timeoutMs?: number; signal?: AbortSignal },
) => Promise<CommandResult>;

export const GRUB_FILE = "etc/grub.d/42_tessera";
const HEADER =
  "#!/bin/sh\n# Written by the Tessera agent; `tessera` removes it on uninstall. Edit the profile, not this file.\nexec tail -n +4 $0\n";

export class GrubError extends Error {
  constructor(
    readonly kind: "not-found" | "check" | "command",
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

export interface GrubPreview {
  found: boolean;
  file: string;
  content: string;
  diff: string;
  manual: string | null;
}

export class BootConfigService {
  readonly root: string;
  private readonly runner?: CommandRunner;

  constructor(o: { root: string; runner?: CommandRunner }) {
    this.root = o.root;
    this.runner = o.runner;
  }

  get file(): string {
    return join(this.root, GRUB_FILE);
  }

  async found(): Promise<boolean> {
    return (
      (await exists(join(this.root, "etc/grub.d"))) ||
      (await exists(join(this.root, "boot/grub/grub.cfg")))
    );
  }

  content(entry: string): string {
    return HEADER + entry.replace(/\n?$/, "\n");
  }

  async preview(entry: string): Promise<GrubPreview> {
    const found = await this.found();
    const content = this.content(entry);
    const before = await readFile(this.file, "utf8").catch(() => "");
    return {
      found,
      file: this.file,
      content,
      diff: unifiedDiff(before, content, GRUB_FILE),
      manual: found
        ? null
        : `No GRUB found under ${this.root}. Add this entry to your bootloader by hand:\n\n${entry}`,
    };
  }

  private async run(argv: string[]): Promise<CommandResult> {
    if (!this.runner)
      throw new GrubError(
        "command",
        `The agent cannot run ${argv[0]} here; run by hand: ${argv.join(" ")}`,
      );
    const r = await this.runner(argv, { timeoutMs: 60_000 });
    if (r.code !== 0)
      throw new GrubError("command", `${argv[0]} failed (exit ${r.code}).`, r.stderr);
    return r;
  }

  /** Writes the entry; returns the commands run. `title` is the menuentry title for grub-reboot. */
  async install(
    entry: string,
    title: string,
    opts: { oneTime?: boolean; root?: boolean } = {},
  ): Promise<{ file: string; backup: string | null; commands: string[][] }> {
    if (!(await this.found()))
      throw new GrubError("not-found", `No GRUB found under ${this.root}.`);
    const content = this.content(entry);
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}`;
    const entryTmp = `${this.file}.check-${process.pid}`;
    const commands: string[][] = [];
    try {
      await writeFile(entryTmp, entry, { mode: 0o600 });
      const check = ["grub-script-check", entryTmp];
      commands.push(check);
      if (this.runner) {
        const r = await this.runner(check, { timeoutMs: 30_000 });
        if (r.code !== 0)
          throw new GrubError("check", "grub-script-check rejected the Tessera entry.", r.stderr);
      }
      await writeFile(tmp, content, { mode: 0o755 });
      await chmod(tmp, 0o755);
      let backup: string | null = null;
      if (await exists(this.file)) {
        backup = `${this.file}.bak`;
        await copyFile(this.file, backup);
      }
      await rename(tmp, this.file);
      commands.push(...(await this.regenerate()));
      if (opts.oneTime) {
        const c = [
          "grub-reboot",
          ...(this.root === "/" ? [] : [`--boot-directory=${join(this.root, "boot")}`]),
          title,
        ];
        await this.run(c);
        commands.push(c);
      }
      return { file: this.file, backup, commands };
    } finally {
      await rm(tmp, { force: true });
      await rm(entryTmp, { force: true });
    }
  }

  async setDefault(title: string): Promise<string[]> {
    const c = [
      "grub-set-default",
      ...(this.root === "/" ? [] : [`--boot-directory=${join(this.root, "boot")}`]),
      title,
    ];
    await this.run(c);
    return c;
  }

  async uninstall(): Promise<{ removed: boolean; commands: string[][] }> {
    if (!(await exists(this.file))) return { removed: false, commands: [] };
    await rename(this.file, `${this.file}.bak`);
    return { removed: true, commands: await this.regenerate() };
  }

  /** update-grub where it exists (Debian), else grub-mkconfig -o; inside a test root, grub-mkconfig is skipped. */
  private async regenerate(): Promise<string[][]> {
    if (this.root !== "/") return []; // A tree that is not the running system: nothing to regenerate from.
    if (await exists("/usr/sbin/update-grub")) {
      await this.run(["update-grub"]);
      return [["update-grub"]];
    }
    const c = ["grub-mkconfig", "-o", "/boot/grub/grub.cfg"];
    await this.run(c);
    return [c];
  }
}
