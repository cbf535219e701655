// Each instance's kernel options, built once per validation and shared by the rules that
// measure them and the planner that prints them: the direct loader's own, or the mint and
// multikernel ones of boot-options.ts.
import { os1Options, successorOptions } from "./boot-options";
import { directOs1Options, directSuccessorOptions } from "./direct-options";
import type { Ctx } from "./rule-context";

export function instanceOptions(ctx: Ctx, i: number): string[] {
  let o = ctx.options[i];
  if (!o) {
    if (ctx.opts.loader === "direct")
      o = i === 0 ? directOs1Options(ctx) : directSuccessorOptions(ctx, i);
    else
      o =
        i === 0
          ? os1Options(ctx.m, ctx.p, ctx.own, ctx.slices.slices, ctx.opts)
          : successorOptions(ctx.m, ctx.p, ctx.own, i, ctx.slices.slices[i] ?? null, ctx.opts);
    ctx.options[i] = o;
  }
  return o;
}
