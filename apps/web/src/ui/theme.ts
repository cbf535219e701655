// The page's theme: always an explicit data-theme ("light" or "dark") on <html>, so the
// stylesheet has one dark palette. "system" follows the OS setting, live.
import type { Theme } from "../session/session-types";

const dark = () => globalThis.matchMedia?.("(prefers-color-scheme: dark)").matches ?? false;

export function applyTheme(theme: Theme): void {
  const resolved = theme === "system" ? (dark() ? "dark" : "light") : theme;
  document.documentElement.dataset.theme = resolved;
}

/** Re-applies "system" when the OS setting changes; returns the unsubscriber. */
export function followSystemTheme(current: () => Theme): () => void {
  const mq = globalThis.matchMedia?.("(prefers-color-scheme: dark)");
  if (!mq) return () => {};
  const onChange = () => {
    if (current() === "system") applyTheme("system");
  };
  mq.addEventListener("change", onChange);
  return () => mq.removeEventListener("change", onChange);
}
