// The stored profile last opened in this browser: where the console lands next time when
// no draft is kept and the URL names none.
const LAST_KEY = "tessera.last-profile";

export function rememberOpened(id: string): void {
  try {
    localStorage.setItem(LAST_KEY, id);
  } catch {
    // private mode: the console lands on the active profile instead
  }
}

export function lastOpened(): string | null {
  try {
    return localStorage.getItem(LAST_KEY);
  } catch {
    return null;
  }
}
