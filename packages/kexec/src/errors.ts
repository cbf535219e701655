// The closed list of loader error codes. README.md documents each one; errors.test.ts keeps
// the two in step. `message` is the operator sentence; details from stderr go to log events.
export const LOADER_ERRORS = {
  "LOADER-NOT-FOUND": "The loader binary was not found.",
  "LOADER-NOT-EXECUTABLE": "The loader binary exists but cannot be executed.",
  "LOADER-TIMEOUT": "The loader step did not finish within its time limit and was stopped.",
  "LOADER-EXIT": "The loader exited with a failure status.",
  "LOADER-SIGNAL": "The loader was killed by a signal.",
  "LOADER-BUSY":
    "Another load or start is in progress, or another image is loaded and not started.",
  "LOADER-CPU-ONLINE": "A core the instance needs is online in OS1.",
  "LOADER-CPU-IN-USE": "A core the instance needs belongs to another loaded or running instance.",
  "LOADER-RANGE-IN-USE":
    "A memory range the instance needs is used by another loaded or running instance.",
  "LOADER-EPERM": "The kernel refused the operation (EPERM).",
  "LOADER-EINVAL": "The kernel rejected an argument (EINVAL).",
  "LOADER-ENOENT": "The instance or a file it names does not exist (ENOENT).",
  "LOADER-EBUSY": "A resource is still lent to an instance (EBUSY).",
  "LOADER-CANCELLED": "The step was cancelled.",
  "LOADER-FAULT": "An injected fault (dry-run only).",
  "LOADER-NOT-LOADED": "The instance has no loaded image to start.",
  "LOADER-BAD-STATE": "The instance is not in a state that allows this step.",
  "LOADER-UNSUPPORTED": "This loader has no such step.",
  "LOADER-INTERNAL": "The loader failed in an unexpected way (a bug).",
  "LOADER-PLAN-INCOMPLETE":
    "The plan lacks what this loader needs (a kernel, or the direct part made with loader direct).",
  "LOADER-OS1-OPTION":
    "OS1 runs without a kernel option the direct loader needs (iomem=relaxed, hpet=disable, maxcpus=).",
  "LOADER-NOT-RESERVED":
    "A range the direct loader would write is System RAM of OS1, not reserved for the successor.",
  "LOADER-NO-DEVMEM": "/dev/mem is missing or cannot be opened for writing.",
  "LOADER-NO-MSR": "OS1 may use x2APIC and the MSR device (/dev/cpu/0/msr) is missing.",
  "LOADER-KERNEL": "The kernel is not a relocatable bzImage the direct loader can start.",
  "LOADER-RANGE-TOO-SMALL":
    "The successor's range cannot hold the zero page, command line, kernel, initrd and working margin.",
  "LOADER-LAYOUT":
    "The successor cannot be laid out (above 4 GiB, command line too long, bad e820 or low slice).",
  "LOADER-TOOL-MISSING": "A tool the loader needs (the C compiler for the APIC helper) is missing.",
  "LOADER-HELPER-BUILD": "The APIC helper did not compile.",
  "LOADER-PHYS-IO": "Writing or reading physical memory through /dev/mem failed.",
  "LOADER-IPI": "Sending an IPI failed (the APIC helper or the MSR write reported an error).",
  "LOADER-EARLY-BOOT-WAIT":
    "A successor started earlier has not passed early boot (its mailbox never said LVT0 is masked).",
  "LOADER-STOP-UNACKED":
    "The guest did not acknowledge the stop request in time (force-stop acts).",
  "LOADER-STAND-IN":
    "The kernel is Tessera's stand-in for the dry-run demo (no kernel behind its header): a real loader cannot start it.",
} as const;

export type LoaderErrorCode = keyof typeof LOADER_ERRORS;

/** Thrown inside a step body; the stream turns it into a failed `result` event. */
export class LoaderFailure extends Error {
  readonly code: LoaderErrorCode;
  readonly phase: string | undefined;
  constructor(code: LoaderErrorCode, message: string, phase?: string) {
    super(message);
    this.code = code;
    this.phase = phase;
  }
}
