// Every diagnostic code, once, with its severity and the rule it stands for. SPEC.md lists
// the same codes with the same words; a test keeps the two in step.
/** How bad a finding is: errors refuse a plan, warnings and info do not. */
export type Severity = "error" | "warning" | "info";

export interface CodeInfo {
  severity: Severity;
  rule: string;
}

export const DIAGNOSTIC_CODES = {
  "PROFILE-EMPTY": { severity: "error", rule: "A profile has at least one instance (OS1)." },
  "PROFILE-NAME-DUP": { severity: "error", rule: "Instance names are unique within a profile." },
  "PROFILE-NAME-INVALID": {
    severity: "error",
    rule: "An instance name is 1-32 letters, digits, '.', '_' or '-', starting with a letter or digit.",
  },
  "PROFILE-CONTROL-CHAR": {
    severity: "error",
    rule: "Command lines, the profile name and file paths hold no control characters (C0: NUL, tab, newline, CR …; DEL).",
  },
  "CPU-NONE": { severity: "error", rule: "Every instance has at least one core." },
  "CPU-UNKNOWN": {
    severity: "error",
    rule: "Every LAPIC ID in a profile is a present core of the machine.",
  },
  "CPU-SHARED": { severity: "error", rule: "A core belongs to one instance, once." },
  "CPU-CONTIGUOUS": {
    severity: "error",
    rule: "An instance's cores are a run of consecutive present LAPIC IDs in ascending order.",
  },
  "CPU-BOOT-CORE": {
    severity: "error",
    rule: "OS1 holds the machine's lowest LAPIC ID (the boot core).",
  },
  "CPU-MAXCPUS-ORDER": {
    severity: "warning",
    rule: "OS1's maxcpus=N brings up Linux CPUs 0..N-1; they should be exactly OS1's cores.",
  },
  "CPU-ONLINE": {
    severity: "error",
    rule: "A successor's cores are offline in OS1 before it starts (live check).",
  },
  "CPU-SMT-SPLIT": {
    severity: "warning",
    rule: "SMT siblings of one physical core stay in one instance.",
  },
  "CPU-HYBRID": { severity: "warning", rule: "An instance does not mix P-cores and E-cores." },
  "CPU-NUMA": {
    severity: "warning",
    rule: "An instance's cores and memory are on the same NUMA nodes.",
  },
  "MEM-NONE": { severity: "error", rule: "Every instance has memory." },
  "MEM-NOT-USABLE": {
    severity: "error",
    rule: "A successor's ranges lie in usable e820 RAM, byte for byte.",
  },
  "MEM-OVERLAP": {
    severity: "error",
    rule: "No byte belongs to two instances, low slices included.",
  },
  "MEM-ALIGN": {
    severity: "error",
    rule: "Ranges are 4 KiB aligned; a successor's main range starts on the kernel's alignment.",
  },
  "MEM-OS1-START": {
    severity: "error",
    rule: "OS1's memory is one range starting at 0 (its mem= limit).",
  },
  "MEM-LOW-SLICE": {
    severity: "error",
    rule: "Each successor has its own slice of usable low memory (64 KiB-1 MiB), at least 32 KiB, 4 KiB aligned, leaving OS1 64 KiB.",
  },
  "MEM-TOO-SMALL": {
    severity: "error",
    rule: "An instance's memory holds its kernel's init_size + initrd + 64 MiB (128 MiB when unknown).",
  },
  "DEV-UNKNOWN": { severity: "error", rule: "Every device id in a profile exists on the machine." },
  "DEV-SHARED": { severity: "error", rule: "A device belongs to one instance." },
  "DEV-IRQ-SHARED": {
    severity: "error",
    rule: "Devices on one I/O APIC line (INTx, no MSI/MSI-X) belong to one instance.",
  },
  "DEV-INTX": {
    severity: "warning",
    rule: "A successor's devices use MSI/MSI-X, not a shared I/O APIC line.",
  },
  "DEV-MSI-UNKNOWN": {
    severity: "warning",
    rule: "A device whose MSI/MSI-X support is unknown cannot be checked for a shared I/O APIC line.",
  },
  "DEV-IOMMU-SPLIT": {
    severity: "warning",
    rule: "Devices of one IOMMU group stay in one instance.",
  },
  "DEV-STOCK-AMBIGUOUS": {
    severity: "warning",
    rule: "Stock kernel options cannot tell identical devices owned by different instances apart.",
  },
  "DEV-UNASSIGNED": { severity: "info", rule: "Devices no instance owns are listed." },
  "DEV-OS1-CONSOLE": {
    severity: "error",
    rule: "A successor does not own the serial port OS1's console uses (from OS1's running or planned command line).",
  },
  "DEV-OS1-LINE": {
    severity: "error",
    rule: "A successor's legacy device is not on the ISA line of OS1's serial console.",
  },
  "CMDLINE-RESERVED": {
    severity: "error",
    rule: "A user command line does not set options Tessera owns (mem=, maxcpus=, nr_cpus=, memmap=, kaslr, nokaslr, the ownership option).",
  },
  "CMDLINE-TOO-LONG": {
    severity: "error",
    rule: "The planned command line fits the kernel's cmdline_size (2048 when unknown).",
  },
  "KERNEL-UNUSABLE": {
    severity: "error",
    rule: "A successor's kernel is a relocatable bzImage of boot protocol 2.10 or later; OS1's is a bzImage (live check).",
  },
  "FILE-MISSING": {
    severity: "error",
    rule: "Every kernel and initrd a profile names (OS1's included) is a regular file that exists (live check).",
  },
  "FILE-NOT-ALLOWED": {
    severity: "error",
    rule: "Kernel and initrd files lie in the directories the agent reads them from (live check).",
  },
  "FILE-PATH-RELATIVE": {
    severity: "error",
    rule: "Kernel and initrd paths are absolute.",
  },
  "OS1-ROOT-FIELD": {
    severity: "error",
    rule: "Only OS1 has a root field; it is one word and OS1's command line has no root= beside it.",
  },
  "OS1-BOOT-UNKNOWN": {
    severity: "warning",
    rule: "OS1's kernel and root are known (the profile's, else the running OS1's), so its GRUB entry can be written (plan).",
  },
  "OS1-INITRD-NONE": {
    severity: "info",
    rule: "OS1's GRUB entry has no initrd line when neither the profile nor the running OS1 names one (plan).",
  },
  "DIRECT-TSC-UNKNOWN": {
    severity: "error",
    rule: "Under the direct loader, each successor's TSC frequency is known: OS1's from discovery, or tsc_early_khz= on its command line.",
  },
  "DIRECT-APIC-ID": {
    severity: "error",
    rule: "Under the direct loader, every core of every instance has a LAPIC ID of at most 254 (xAPIC mode, 8-bit MP table entries).",
  },
  "DIRECT-PCI": {
    severity: "warning",
    rule: "Under the direct loader, a successor owns no PCI device (successors boot with pci=off until PCI in them is proven).",
  },
  "INSTANCE-LOCKED": {
    severity: "error",
    rule: "An instance that may be running stays in the active profile with the same cores, memory and devices (live check).",
  },
  "PLAN-MISSING": {
    severity: "error",
    rule: "Only a successor of the plan can be started: OS1 and unknown names cannot (live check).",
  },
} as const satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export function severityOf(code: DiagnosticCode): Severity {
  return DIAGNOSTIC_CODES[code].severity;
}
