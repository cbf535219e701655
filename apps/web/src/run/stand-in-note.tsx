// The demo's stand-in kernel, said wherever a kernel path is shown (slot card, boot preview,
// run card): `tessera serve --demo` wrote it, a boot header with no kernel behind it, which
// only the dry-run simulator accepts.
import { useStore } from "../store";

export function StandInNote({
  kernel,
  testId,
}: {
  kernel: string | null | undefined;
  testId: string;
}) {
  const standIn = useStore((s) => s.runStandIn);
  if (!standIn || !kernel || kernel !== standIn.path) return null;
  return (
    <p className="stand-in-note" data-testid={testId}>
      <strong>Stand-in kernel, not a kernel</strong> ({standIn.label}): the demo wrote this boot
      header with no kernel behind it. The dry-run simulator starts it and nothing boots; a real
      loader refuses it. Give a real bzImage (e.g. /boot/vmlinuz-*) to boot Linux.
    </p>
  );
}
