// OS1's kernel, initrd and root in its slot. Empty means "what the running OS1 booted with":
// the agent's values are the fields' placeholders, and what it could not find is said.
import type { Instance } from "@tessera/core";
import { setInstanceText } from "../editor/model/edits";
import { useStore } from "../store";
import { openGrubDialog } from "./os1-actions";

const FIELDS = [
  ["kernel", "Kernel"],
  ["initrd", "Initrd"],
  ["root", "Root (root=)"],
] as const;

export function Os1BootFields({ inst }: { inst: Instance }) {
  const edit = useStore((s) => s.edit);
  const boot = useStore((s) => s.os1Boot);
  const error = useStore((s) => s.os1Error);
  const problems = boot?.problems ?? [];
  return (
    <div className="os1-boot" data-testid="slot.os1-boot">
      {FIELDS.map(([field, label]) => (
        <label className="field" key={field}>
          {label}
          <input
            value={inst[field] ?? ""}
            spellCheck={false}
            className="mono"
            placeholder={boot?.[field] ?? "not known"}
            data-testid={`slot.${field}-0`}
            onChange={(e) =>
              edit((p) => setInstanceText(p, 0, field, e.target.value), `${field}:0`)
            }
          />
        </label>
      ))}
      <p className="muted small" data-testid="slot.os1-detected">
        Empty fields take what the running OS1 booted with
        {boot ? "" : error ? ` (not known: ${error})` : " (asking the agent…)"}.
      </p>
      {problems.length ? (
        <ul className="slot-diags" data-testid="slot.os1-problems">
          {problems.map((p) => (
            <li key={p.field} className="warning">
              {p.message}
            </li>
          ))}
        </ul>
      ) : null}
      <button onClick={openGrubDialog} data-testid="slot.os1-grub">
        Install boot entry…
      </button>
    </div>
  );
}
