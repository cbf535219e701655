// Replacing the draft (open, import, new, start from this machine, duplicate) asks first
// when the draft holds unsaved work; Cancel leaves it as it is.
import { hasUnsavedWork } from "../editor/unsaved";
import { useStore } from "../store";
import { ConfirmDialog } from "../ui/confirm-dialog";

/** Runs `proceed` now, or once the operator agrees to drop the unsaved draft. */
export function unlessUnsaved(what: string, proceed: () => void): void {
  const s = useStore.getState();
  if (!hasUnsavedWork(s.draft, s.source)) return proceed();
  const name = s.source?.name ?? s.draft.name;
  s.setDiscardAsk({
    title: "Discard unsaved changes?",
    lines: [
      `${name} has changes that are not saved.`,
      `${what} replaces the draft, and they will be lost.`,
      "To keep them, cancel and Save (or Save as) first.",
    ],
    proceed,
  });
}

export function DiscardDialog() {
  const ask = useStore((s) => s.discardAsk);
  const close = useStore((s) => s.setDiscardAsk);
  return (
    <ConfirmDialog
      request={
        ask && {
          title: ask.title,
          lines: ask.lines,
          confirm: "Discard changes",
          danger: true,
          onConfirm: ask.proceed,
        }
      }
      onClose={() => close(null)}
    />
  );
}
