// Measurements for "nothing is cut, nothing overlaps": each returns what it found wrong, as
// sentences naming the element, so a failing expect(...).toEqual([]) says where to look.
import type { Page } from "@playwright/test";

/**
 * Content cut horizontally inside `rootTestId`: an element (not a free-text field, whose text
 * scrolls by design) whose content is wider than its box, the root scrolling sideways, a card
 * (`cardSelector`) sticking out of the root's visible width, or an element sticking out of its
 * card. `cards` counts the cards seen.
 */
export async function horizontalClipping(
  page: Page,
  rootTestId: string,
  cardSelector: string,
): Promise<{ cards: number; cut: string[] }> {
  return page.evaluate(
    ({ rootTestId, cardSelector }) => {
      const root = document.querySelector<HTMLElement>(`[data-testid="${rootTestId}"]`);
      if (!root) return { cards: 0, cut: [`no element [data-testid="${rootTestId}"]`] };
      const name = (el: Element) => {
        const id = el.getAttribute("data-testid") ?? el.getAttribute("aria-label");
        const text = (el.textContent ?? "").trim().slice(0, 40);
        return `<${el.tagName.toLowerCase()}${id ? ` "${id}"` : ""}${el.className ? ` .${String(el.className).replace(/\s+/g, ".")}` : ""}> "${text}"`;
      };
      const shown = (el: Element) => {
        const b = el.getBoundingClientRect();
        // the visually hidden labels are 1×1 px on purpose
        return b.width > 1 && b.height > 1 && el.checkVisibility({ visibilityProperty: true });
      };
      const out: string[] = [];
      if (root.scrollWidth > root.clientWidth)
        out.push(`${name(root)} scrolls sideways: ${root.scrollWidth} > ${root.clientWidth} px`);
      for (const el of Array.from(root.querySelectorAll<HTMLElement>("*"))) {
        // free-text fields (kernel path, command line) scroll their text by design; a short
        // field such as an instance's name must show it whole
        if (!shown(el) || el.matches("label.field input, textarea, select")) continue;
        if (el.scrollWidth > el.clientWidth && el.clientWidth > 0)
          out.push(`${name(el)} is cut: content ${el.scrollWidth} px in ${el.clientWidth} px`);
      }
      const r = root.getBoundingClientRect();
      const cards = Array.from(root.querySelectorAll(cardSelector));
      const visibleRight = r.left + root.clientLeft + root.clientWidth;
      for (const card of cards) {
        const c = card.getBoundingClientRect();
        if (c.right > visibleRight + 0.5)
          out.push(`${name(card)} ends at ${c.right} px, past the visible ${visibleRight} px`);
        for (const el of Array.from(card.querySelectorAll("*"))) {
          if (!shown(el)) continue;
          const b = el.getBoundingClientRect();
          if (b.left < c.left - 0.5 || b.right > c.right + 0.5)
            out.push(
              `${name(el)} spans ${b.left}-${b.right} px, outside its card ${c.left}-${c.right} px`,
            );
        }
      }
      return { cards: cards.length, cut: out };
    },
    { rootTestId, cardSelector },
  );
}

/**
 * Pairs of text labels that overlap inside the given areas: every visible text, measured as
 * the glyph boxes of its text nodes and clipped by its ancestors' overflow, against every
 * other. Texts of one element (two lines of one label) are one label; `labels` counts the
 * labels seen, so a check that found nothing to compare shows as such.
 */
export async function overlappingLabels(
  page: Page,
  selectors: string[],
): Promise<{ labels: number; overlaps: string[] }> {
  return page.evaluate((selectors) => {
    interface Label {
      owner: Element;
      text: string;
      box: { l: number; t: number; r: number; b: number };
    }
    const labels: Label[] = [];
    const clipOf = (el: Element, stop: Element) => {
      let box = { l: -Infinity, t: -Infinity, r: Infinity, b: Infinity };
      for (let a: Element | null = el; a && a !== stop.parentElement; a = a.parentElement) {
        const s = getComputedStyle(a);
        if (s.overflowX !== "visible" || s.overflowY !== "visible") {
          const c = a.getBoundingClientRect();
          box = {
            l: Math.max(box.l, c.left),
            t: Math.max(box.t, c.top),
            r: Math.min(box.r, c.right),
            b: Math.min(box.b, c.bottom),
          };
        }
      }
      return box;
    };
    for (const sel of selectors) {
      for (const area of Array.from(document.querySelectorAll(sel))) {
        const walk = document.createTreeWalker(area, NodeFilter.SHOW_TEXT);
        for (let n = walk.nextNode(); n; n = walk.nextNode()) {
          const text = (n.textContent ?? "").trim();
          const owner = n.parentElement;
          if (!text || !owner || !owner.checkVisibility({ visibilityProperty: true })) continue;
          const range = document.createRange();
          range.selectNodeContents(n);
          const clip = clipOf(owner, area);
          for (const g of Array.from(range.getClientRects())) {
            const box = {
              l: Math.max(g.left, clip.l),
              t: Math.max(g.top, clip.t),
              r: Math.min(g.right, clip.r),
              b: Math.min(g.bottom, clip.b),
            };
            if (box.r - box.l > 0.5 && box.b - box.t > 0.5) labels.push({ owner, text, box });
          }
        }
      }
    }
    const out: string[] = [];
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) {
        const a = labels[i]!;
        const b = labels[j]!;
        if (a.owner === b.owner) continue;
        const w = Math.min(a.box.r, b.box.r) - Math.max(a.box.l, b.box.l);
        const h = Math.min(a.box.b, b.box.b) - Math.max(a.box.t, b.box.t);
        if (w > 0.5 && h > 0.5)
          out.push(`"${a.text}" and "${b.text}" overlap by ${w.toFixed(1)}×${h.toFixed(1)} px`);
      }
    }
    return { labels: new Set(labels.map((l) => l.owner)).size, overlaps: out };
  }, selectors);
}
