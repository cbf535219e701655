// What the direct loader needs on each side of the lab machine: the mailbox script that
// becomes each successor's init, and OS1's APIC helper (built here on the host from the
// repository's C source with the system compiler; the guest has no compiler).
import { buildApicHelper, directGuestScript } from "@tessera/kexec";

export const GUEST_APIC_HELPER = "/tessera/bin/tessera-apic";

export interface GuestSide {
  /** The successor's mailbox script (Tessera's own, as an operator would install it). */
  script: string;
  /** Files for OS1's image: path in the guest -> path on the host. */
  files: Record<string, string>;
  /** `tessera serve --loader-options` for the agent in OS1. */
  loaderOptions: Record<string, unknown>;
}

export async function buildGuestSide(): Promise<GuestSide> {
  const helper = await buildApicHelper({});
  return {
    script: directGuestScript(),
    files: { [GUEST_APIC_HELPER]: helper.path },
    loaderOptions: { apicHelper: GUEST_APIC_HELPER },
  };
}
