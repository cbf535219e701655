// Jumping to where a diagnostic belongs: scroll the element into view, focus it, flash it.
import type { FocusTarget } from "./editor-types";

export function selectorFor(t: FocusTarget, slotNames: string[]): string | null {
  switch (t.kind) {
    case "cpu":
      return `[data-testid="cores.cell-${t.key}"]`;
    case "device":
      return `[data-testid="devices.row-${CSS.escape(t.key)}"]`;
    case "slot":
      return slotNames[t.key] !== undefined ? `[data-slot-index="${t.key}"]` : null;
    case "range":
      return `[data-testid="memory.bar"]`;
  }
}

export function flashElement(selector: string): void {
  const el = document.querySelector<HTMLElement>(selector);
  if (!el) return;
  el.scrollIntoView?.({ block: "center", behavior: "smooth" });
  if (el.tabIndex < 0 && !el.matches("button,input,select,textarea,a"))
    el.setAttribute("tabindex", "-1");
  el.focus({ preventScroll: true });
  el.classList.remove("flash");
  void el.offsetWidth;
  el.classList.add("flash");
}
