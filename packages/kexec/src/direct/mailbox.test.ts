import { describe, expect, it } from "vitest";
import {
  freshMailbox,
  mailboxChange,
  MAILBOX_MAGIC,
  readMailbox,
  type MailboxView,
} from "./mailbox";

const view = (over: Partial<MailboxView>): MailboxView => ({
  ...readMailbox(freshMailbox()),
  ...over,
});

describe("mailbox", () => {
  it("a fresh page: TSMB magic, version 1, every other byte 0", () => {
    const b = freshMailbox();
    expect(b.toString("latin1", 0, 4)).toBe("TSMB");
    expect(readMailbox(b)).toEqual({
      magic: MAILBOX_MAGIC,
      version: 1,
      state: 0,
      heartbeat: 0,
      stopRequest: 0,
      lvt0Masked: 0,
    });
    expect(b.subarray(8).every((x) => x === 0)).toBe(true);
  });

  it("state 4 while starting fails the instance with the reason (the loader parks it)", () => {
    const c = mailboxChange({ state: "starting", guestState: 1 }, view({ state: 4 }));
    expect(c.failed).toMatch(/disabled its local APIC timer/);
    expect(c.events).toEqual([]);
    expect(c.patch.state).toBeUndefined();
  });

  it("state 1 while starting is userspace-up; state 2 is boot-complete and running", () => {
    expect(mailboxChange({ state: "starting", guestState: 0 }, view({ state: 1 }))).toEqual({
      patch: { guestState: 1, phase: "userspace-up", heartbeat: 0 },
      events: [],
    });
    expect(
      mailboxChange({ state: "starting", guestState: 1, heartbeat: 0 }, view({ state: 2 })),
    ).toEqual({
      patch: { guestState: 2, state: "running", phase: "running" },
      events: ["boot-complete"],
    });
  });

  it("a changed counter is a heartbeat; the same counter, or a cleared one, is not", () => {
    const seen = { state: "running", guestState: 2, heartbeat: 4 };
    expect(mailboxChange(seen, view({ state: 2, heartbeat: 5 })).events).toEqual(["heartbeat"]);
    expect(mailboxChange(seen, view({ state: 2, heartbeat: 4 }))).toEqual({
      patch: {},
      events: [],
    });
    expect(mailboxChange(seen, view({ state: 2, heartbeat: 0 })).events).toEqual([]);
  });

  it("boot complete reported again while running changes nothing but the record", () => {
    expect(
      mailboxChange(
        { state: "running", guestState: 3, heartbeat: 1 },
        view({ state: 2, heartbeat: 1 }),
      ),
    ).toEqual({
      patch: { guestState: 2 },
      events: [],
    });
  });
});
