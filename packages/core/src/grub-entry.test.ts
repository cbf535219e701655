// OS1's GRUB entry under hostile profile content: for every string in the table, in every
// place a profile (or the plan's options) puts text into the entry, either the validator
// refuses the profile, or the entry stays one menuentry with exactly one `linux` line and at
// most one `initrd` line, and GRUB's words on them are exactly the planned ones.
// (apps/agent runs the same table through the real grub-script-check.)
import { describe, expect, it } from "vitest";
import { plan } from "./plan";
import { grubQuote, grubWords } from "./cmdline";
import type { PlanOptions, Profile } from "./model";
import { inst, makeMachine, profile } from "./test-support";

const machine = makeMachine({ coresPerSocket: 8 });

const HOSTILE = [
  "\n",
  "\nlinux /evil",
  "\n}\nmenuentry 'evil' {\n\tlinux /evil\n",
  "}",
  "} menuentry x {",
  ";",
  "; reboot",
  "$",
  "${IFS}",
  "$(reboot)",
  "`reboot`",
  "'",
  "a'b'c",
  '"',
  '" ; linux /evil "',
  " ",
  " init=/bin/sh",
  "\0",
  "\r",
  "\t",
  "\\",
  "\\\n",
  "|&<>",
  "{",
  "#",
];

/**
 * A strict reader of GRUB script words, for the test: a word is made of single-quoted
 * runs, backslash escapes and plain characters that GRUB gives no meaning; anything else
 * unquoted (`;`, `$`, `{`, `}`, `"`, `#` …) throws, because it would mean the writer let
 * profile text through as syntax.
 */
function grubLineWords(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === " " || line[i] === "\t") i++;
    if (i >= line.length) break;
    let w = "";
    while (i < line.length && line[i] !== " " && line[i] !== "\t") {
      const c = line[i]!;
      if (c === "'") {
        const end = line.indexOf("'", i + 1);
        if (end === -1) throw new Error(`unterminated quote in ${JSON.stringify(line)}`);
        w += line.slice(i + 1, end);
        i = end + 1;
      } else if (c === "\\") {
        w += line[i + 1] ?? "";
        i += 2;
      } else if (/[A-Za-z0-9_./:=,+@%-]/.test(c)) {
        w += c;
        i++;
      } else {
        throw new Error(`unquoted ${JSON.stringify(c)} in ${JSON.stringify(line)}`);
      }
    }
    words.push(w);
  }
  return words;
}

function base(): Profile {
  return profile(
    inst("os1", [0, 1], [["0x0", "2G"]], {
      kernel: "/boot/vmlinuz",
      initrd: "/boot/initrd.img",
      root: "UUID=0a1b",
      cmdline: "console=tty0",
    }),
    inst("os2", [2, 3], [["4G", "4G"]], { kernel: "/boot/vmlinuz-2", cmdline: "quiet" }),
  );
}

type Place = (p: Profile, o: PlanOptions, s: string) => void;
const PLACES: Record<string, Place> = {
  "OS1's command line": (p, _o, s) => (p.instances[0]!.cmdline = `console=tty0 ${s} quiet`),
  "OS1's kernel": (p, _o, s) => (p.instances[0]!.kernel = `/boot/vmlinuz${s}`),
  "OS1's initrd": (p, _o, s) => (p.instances[0]!.initrd = `/boot/initrd${s}.img`),
  "OS1's root": (p, _o, s) => (p.instances[0]!.root = `UUID=0a1b${s}`),
  "the running OS1's root": (p, o, s) => {
    delete p.instances[0]!.root;
    o.os1Root = `UUID=0a1b${s}`;
  },
  "the profile name": (p, _o, s) => (p.name = `seed${s}`),
  "a successor's command line": (p, _o, s) => (p.instances[1]!.cmdline = `quiet ${s}`),
  "the --os1-kernel option": (p, o, s) => {
    delete p.instances[0]!.kernel;
    o.os1Kernel = `/boot/vmlinuz${s}`;
  },
  "the GRUB title option": (_p, o, s) => (o.grubTitle = `Tessera ${s}`),
};

// eslint-disable-next-line no-control-regex -- the point: C0 controls and DEL
const CONTROL = /[\u0000-\u001f\u007f]/;

const table = Object.keys(PLACES).flatMap((place) => HOSTILE.map((s) => ({ place, s })));

describe("OS1's GRUB entry with hostile profile content", () => {
  it.each(table)("$place + $s: refused, or one entry with the planned words", ({ place, s }) => {
    const p = base();
    const o: PlanOptions = {};
    PLACES[place]!(p, o, s);
    const r = plan(machine, p, {}, o);
    // A root= value is one word: whitespace in it is refused too (OS1-ROOT-FIELD).
    const rootPlace = place.includes("root");
    if (!r.ok) {
      // Refused only for what the rules refuse, and said so with the code.
      const codes = r.diagnostics.map((d) => d.code);
      if (CONTROL.test(s)) expect(codes).toContain("PROFILE-CONTROL-CHAR");
      else {
        expect(rootPlace && /\s/.test(s)).toBe(true);
        expect(codes).toContain("OS1-ROOT-FIELD");
      }
      return;
    }
    expect(CONTROL.test(s)).toBe(false);
    expect(rootPlace && /\s/.test(s)).toBe(false);
    const entry = r.plan.os1.grubEntry!;
    expect(entry).not.toBeNull();
    const lines = entry.split("\n");
    expect(lines.filter((l) => /^\s*menuentry\b/.test(l))).toHaveLength(1);
    expect(lines.filter((l) => /^\s*linux\b/.test(l))).toHaveLength(1);
    expect(lines.filter((l) => /^\s*initrd\b/.test(l)).length).toBeLessThanOrEqual(1);
    expect(lines.at(-1)).toBe("}");
    // Nothing but the head, `linux`, `initrd` and the closing brace.
    expect(lines).toHaveLength(p.instances[0]!.initrd ? 4 : 3);
    const head = lines[0]!;
    expect(head.endsWith(" {")).toBe(true);
    const title = grubLineWords(head.slice(0, -2));
    expect(title[0]).toBe("menuentry");
    expect(title[1]).toBe(o.grubTitle ?? `Tessera: ${p.name} (os1)`);
    const linux = grubLineWords(lines.find((l) => /^\s*linux\b/.test(l))!);
    const kernel = p.instances[0]!.kernel ?? o.os1Kernel;
    expect(linux).toEqual(["linux", kernel, ...r.plan.os1.cmdline.split(/\s+/)]);
    const initrd = lines.find((l) => /^\s*initrd\b/.test(l));
    if (initrd) expect(grubLineWords(initrd)).toEqual(["initrd", p.instances[0]!.initrd]);
  });
});

describe("grubQuote", () => {
  it("makes any printable text one literal GRUB word", () => {
    for (const s of HOSTILE.filter((h) => !CONTROL.test(h))) {
      expect(grubLineWords(grubQuote(s))).toEqual([s]);
    }
    expect(grubQuote("")).toBe("''");
  });

  it("refuses a control character: the validator must have stopped it", () => {
    expect(() => grubQuote("a\nb")).toThrow(/control character U\+000A/);
    expect(() => grubWords("quiet\0")).toThrow(/control character U\+0000/);
  });
});
