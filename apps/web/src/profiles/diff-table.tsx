// Two profiles side by side, instance by instance and field by field; changed rows marked.
import type { Instance, Profile } from "@tessera/core";
import { INSTANCE_FIELDS, instanceFieldLabel, showInstanceField } from "./instance-fields";

const FIELDS: [string, (i: Instance) => string][] = INSTANCE_FIELDS.map((f) => [
  instanceFieldLabel(f),
  (i: Instance) => showInstanceField(i, f),
]);

export function DiffTable({
  a,
  b,
  labelA,
  labelB,
  testid,
}: {
  a: Profile;
  b: Profile;
  labelA: string;
  labelB: string;
  testid: string;
}) {
  // Instances pair by position (OS1 first, then successors in order), so a rename shows as
  // a changed name rather than one instance removed and another added.
  const count = Math.max(a.instances.length, b.instances.length);
  let changes = 0;
  const rows = Array.from({ length: count }, (_, k) => k).flatMap((k) => {
    const ia = a.instances[k];
    const ib = b.instances[k];
    const name = ia && ib && ia.name !== ib.name ? `${ia.name} → ${ib.name}` : (ib ?? ia)!.name;
    return FIELDS.map(([field, fmt]) => {
      const va = ia ? fmt(ia) : "(no such instance)";
      const vb = ib ? fmt(ib) : "(no such instance)";
      const changed = va !== vb;
      if (changed) changes++;
      return (
        <tr key={`${name}-${field}`} data-changed={changed || undefined}>
          <th scope="row">
            {name} · {field}
          </th>
          <td className={changed ? "changed mono" : "mono"}>{va}</td>
          <td className={changed ? "changed mono" : "mono"}>{vb}</td>
        </tr>
      );
    });
  });
  return (
    <div>
      <p data-testid={`${testid}-count`}>
        {changes === 0
          ? "No differences."
          : changes === 1
            ? "1 field differs."
            : `${changes} fields differ.`}
      </p>
      <table className="grid diff" data-testid={testid}>
        <thead>
          <tr>
            <th scope="col">Instance · field</th>
            <th scope="col">{labelA}</th>
            <th scope="col">{labelB}</th>
          </tr>
        </thead>
        <tbody>{rows}</tbody>
      </table>
    </div>
  );
}
