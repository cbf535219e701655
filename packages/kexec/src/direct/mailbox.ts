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
