// The mailbox page: the one channel between the agent and a successor without a network.
// Little-endian u32 fields (the contract with the planner and the guest script).
export const MAILBOX = {
  magic: 0x00,
  version: 0x04,
  state: 0x08,
  heartbeat: 0x0c,
  stopRequest: 0x10,
  lvt0Masked: 0x14,
} as const;

/** "TSMB" read as a little-endian u32. */
export const MAILBOX_MAGIC = 0x424d5354;
export const MAILBOX_VERSION = 1;

export const GUEST_STATE = {
  none: 0,
  initStarted: 1,
  bootComplete: 2,
  stopAcknowledged: 3,
  /** The kernel disabled its local APIC timer at boot: it has no timer once LVT0 is masked. */
  noLapicTimer: 4,
} as const;

export interface MailboxView {
  magic: number;
  version: number;
  state: number;
  heartbeat: number;
  stopRequest: number;
  lvt0Masked: number;
}

/** A cleared mailbox: magic and version set, every other field 0 (the rest of the page too). */
export function freshMailbox(): Buffer {
  const b = Buffer.alloc(4096);
  b.writeUInt32LE(MAILBOX_MAGIC, MAILBOX.magic);
  b.writeUInt32LE(MAILBOX_VERSION, MAILBOX.version);
  return b;
}

export function readMailbox(b: Uint8Array): MailboxView {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  return {
    magic: buf.readUInt32LE(MAILBOX.magic),
    version: buf.readUInt32LE(MAILBOX.version),
    state: buf.readUInt32LE(MAILBOX.state),
    heartbeat: buf.readUInt32LE(MAILBOX.heartbeat),
    stopRequest: buf.readUInt32LE(MAILBOX.stopRequest),
    lvt0Masked: buf.readUInt32LE(MAILBOX.lvt0Masked),
  };
}

/** Bytes the loader reads per poll: the fields above. */
export const MAILBOX_FIELDS_BYTES = 0x18;

export interface MailboxSeen {
  /** The loader's state of the instance. */
  state: "starting" | "running" | "stopping" | string;
  guestState?: number;
  heartbeat?: number;
}

export interface MailboxChange {
  patch: { guestState?: number; heartbeat?: number; state?: "running"; phase?: string };
  events: ("boot-complete" | "heartbeat")[];
  /** The guest cannot run (state 4): why, in words. The loader parks its cores. */
  failed?: string;
}

/**
 * What one poll of a mailbox means, against what the loader saw before: state 1 is the
 * phase userspace-up, state 2 boot complete (the instance runs), a changed non-zero counter
 * a heartbeat.
 */
export function mailboxChange(seen: MailboxSeen, mb: MailboxView): MailboxChange {
  const change: MailboxChange = { patch: {}, events: [] };
  if (mb.state !== seen.guestState) {
    change.patch.guestState = mb.state;
    if (seen.state === "starting" && mb.state === GUEST_STATE.initStarted)
      change.patch.phase = "userspace-up";
    if (seen.state === "starting" && mb.state === GUEST_STATE.bootComplete) {
      Object.assign(change.patch, { state: "running", phase: "running" });
      change.events.push("boot-complete");
    }
    if (seen.state === "starting" && mb.state === GUEST_STATE.noLapicTimer)
      change.failed =
        "its kernel disabled its local APIC timer at boot (APIC timer verification failed: the PIT ticks it counted did not match), so it would have no timer beside the others; its cores were parked: start it again";
  }
  if (mb.heartbeat !== seen.heartbeat) {
    change.patch.heartbeat = mb.heartbeat;
    if (mb.heartbeat !== 0) change.events.push("heartbeat");
  }
  return change;
}
