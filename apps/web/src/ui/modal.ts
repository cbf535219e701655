// Opens a <dialog> as a modal where the browser can (focus trap, Escape, backdrop), and as a
// plain open dialog where it cannot (jsdom in component tests).
export function openModal(d: HTMLDialogElement): void {
  if (d.open) return;
  if (typeof d.showModal === "function") {
    try {
      d.showModal();
      return;
    } catch {
      // not connected yet or already open: fall through
    }
  }
  d.setAttribute("open", "");
}

export function closeModal(d: HTMLDialogElement | null): void {
  if (!d || !d.open) return;
  if (typeof d.close === "function") d.close();
  else d.removeAttribute("open");
}
