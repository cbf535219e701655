// Reads OS1's facts from the agent: after sign-in, when the active profile changes, and after
// its boot entry was installed or selected for one boot.
import { getOs1Boot, getOs1Report } from "../api/os1";
import { errorText } from "../ui/error-text";
import { useStore } from "../store";

let asked = 0;

export async function refreshOs1(): Promise<void> {
  const mine = ++asked;
  try {
    const [os1Boot, os1Report] = await Promise.all([getOs1Boot(), getOs1Report()]);
    if (mine === asked) useStore.getState().setOs1({ os1Boot, os1Report, os1Error: null });
  } catch (e) {
    if (mine !== asked) return;
    const { text } = errorText(e);
    useStore.getState().setOs1({ os1Boot: null, os1Report: null, os1Error: text });
  }
}

export function openGrubDialog(): void {
  useStore.getState().setGrubOpen(true);
}

export function closeGrubDialog(): void {
  useStore.getState().setGrubOpen(false);
}
