// A structural diff of two profiles in their JSON form: one change per JSON path. Instances
// are matched by name (not position), so moving an instance is not reported as a rewrite.
export type Change = {
  path: string;
  kind: "added" | "removed" | "changed";
  before?: unknown;
  after?: unknown;
};

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function diffJson(a: Json, b: Json, path = ""): Change[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (Array.isArray(a) && Array.isArray(b)) {
    const named = (x: Json[]) =>
      x.every(
        (v) =>
          v !== null && typeof v === "object" && !Array.isArray(v) && typeof v.name === "string",
      );
    if (named(a) && named(b)) {
      const out: Change[] = [];
      const key = (v: Json) => (v as { name: string }).name;
      const bm = new Map(b.map((v) => [key(v), v]));
      const am = new Map(a.map((v) => [key(v), v]));
      for (const v of a) {
        const p = `${path}[name=${key(v)}]`;
        const w = bm.get(key(v));
        if (w === undefined) out.push({ path: p, kind: "removed", before: v });
        else out.push(...diffJson(v, w, p));
      }
      for (const v of b)
        if (!am.has(key(v))) out.push({ path: `${path}[name=${key(v)}]`, kind: "added", after: v });
      return out;
    }
    return [{ path, kind: "changed", before: a, after: b }];
  }
  if (
    a &&
    b &&
    typeof a === "object" &&
    typeof b === "object" &&
    !Array.isArray(a) &&
    !Array.isArray(b)
  ) {
    const out: Change[] = [];
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const p = path ? `${path}.${k}` : k;
      if (!(k in b)) out.push({ path: p, kind: "removed", before: a[k] });
      else if (!(k in a)) out.push({ path: p, kind: "added", after: b[k] });
      else out.push(...diffJson(a[k]!, b[k]!, p));
    }
    return out;
  }
  return [{ path, kind: "changed", before: a, after: b }];
}
