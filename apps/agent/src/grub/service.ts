// OS1's boot configuration through GRUB. The agent owns one file, /etc/grub.d/42_tessera,
// that prints the Tessera menuentry (the 40_custom pattern), then regenerates grub.cfg.
// Order of an install: preview (diff) -> write a temp file beside the target -> check the
// entry with grub-script-check -> back up the old file -> rename into place (atomic) ->
// update-grub (or grub-mkconfig -o) -> grub-reboot <id> for a one-time boot (its own step
// too: bootOnce, only for an entry that is installed). Making it the
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
    readonly kind: "not-found" | "check" | "command" | "not-installed",
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

// A type alias, not an interface: the route answering with it checks it against its schema.
export type GrubPreview = {
  found: boolean;
  file: string;
  content: string;
  diff: string;
  manual: string | null;
};

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

  get grubenv(): string {
    return join(this.root, "boot/grub/grubenv");
  }

  /**
   * Writes the entry; returns the commands run. `id` is the menuentry's --id: the one-time
   * selection is grub-reboot <id> (bootOnce).
   */
  async install(
    entry: string,
    id: string,
    opts: { oneTime?: boolean } = {},
  ): Promise<{ file: string; backup: string | null; commands: string[][] }> {
    if (!(await this.found()))
      throw new GrubError("not-found", `No GRUB found under ${this.root}.`);
    if (!this.runner) {
      // Never install an entry grub-script-check has not seen.
      throw new GrubError(
        "command",
        `The agent cannot run GRUB's tools here; run by hand: write ${this.file} from the preview, then grub-script-check, update-grub, grub-reboot ${id}`,
      );
    }
    const runner = this.runner;
    const content = this.content(entry);
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}`;
    const entryTmp = `${this.file}.check-${process.pid}`;
    const commands: string[][] = [];
    try {
      await writeFile(entryTmp, entry, { mode: 0o600 });
      const check = ["grub-script-check", entryTmp];
      commands.push(check);
      const r = await runner(check, { timeoutMs: 30_000 });
      if (r.code !== 0)
        throw new GrubError("check", "grub-script-check rejected the Tessera entry.", r.stderr);
      await writeFile(tmp, content, { mode: 0o755 });
      await chmod(tmp, 0o755);
      let backup: string | null = null;
      if (await exists(this.file)) {
        backup = `${this.file}.bak`;
        await copyFile(this.file, backup);
      }
      // rename(2) within one directory is atomic: readers see the old file or the new one.
      await rename(tmp, this.file);
      commands.push(...(await this.regenerate()));
      if (opts.oneTime) commands.push(await this.reboot(id));
      return { file: this.file, backup, commands };
    } finally {
      await rm(tmp, { force: true });
      await rm(entryTmp, { force: true });
    }
  }

  /**
   * OS1 boots the installed entry once, at its next reboot: grub-reboot <id> (GRUB's
   * next_entry; the default stays). Refused unless the file the agent wrote holds this very
   * entry, so "boot it once" never points GRUB at an entry that is not there or is old.
   */
  async bootOnce(entry: string, id: string): Promise<{ commands: string[][] }> {
    if (!(await this.found()))
      throw new GrubError("not-found", `No GRUB found under ${this.root}.`);
    const installed = await readFile(this.file, "utf8").catch(() => null);
    if (installed !== this.content(entry))
      throw new GrubError(
        "not-installed",
        installed === null
          ? `${this.file} does not exist: install the entry first.`
          : `${this.file} holds another entry than the active profile's: install it first.`,
      );
    return { commands: [await this.reboot(id)] };
  }

  /** grub-reboot; under a test root, on that root's /boot (its grubenv). */
  private async reboot(id: string): Promise<string[]> {
    const c =
      this.root === "/"
        ? ["grub-reboot", id]
        : ["grub-reboot", `--boot-directory=${join(this.root, "boot")}`, id];
    await this.run(c);
    return c;
  }

  /** Makes the entry GRUB's saved default; GRUB_DEFAULT=saved must be set for it to count. */
  async setDefault(id: string): Promise<{ commands: string[][]; note: string | null }> {
    const c = await this.editenv("set", `saved_entry=${id}`);
    const defaults = await readFile(join(this.root, "etc/default/grub"), "utf8").catch(() => "");
    const saved = /^\s*GRUB_DEFAULT=["']?saved["']?\s*$/m.test(defaults);
    return {
      commands: [c],
      note: saved
        ? null
        : 'GRUB_DEFAULT is not "saved" in /etc/default/grub: set GRUB_DEFAULT=saved and run update-grub for the default to take effect.',
    };
  }

  async uninstall(): Promise<{ removed: boolean; commands: string[][] }> {
    if (!(await exists(this.file))) return { removed: false, commands: [] };
    const content = await readFile(this.file, "utf8");
    const id = /--id\s+'([^']+)'/.exec(content)?.[1];
    await rename(this.file, `${this.file}.bak`);
    const commands = await this.regenerate();
    // Forget a one-time or default selection that points at the removed entry.
    const env = await readFile(this.grubenv, "utf8").catch(() => "");
    for (const key of ["next_entry", "saved_entry"]) {
      if (id && env.split("\n").includes(`${key}=${id}`))
        commands.push(await this.editenv("unset", key));
    }
    return { removed: true, commands };
  }

  private async editenv(...args: string[]): Promise<string[]> {
    const c = ["grub-editenv", this.grubenv, ...args];
    await this.run(c);
    return c;
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
