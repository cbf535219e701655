// The live event stream: every event gets the next sequence number of this agent run
// (`epoch`), is serialised once, kept in a ring buffer for resumes and sent to every client.
// Sending never waits on a client: a client whose socket buffer holds more than
// `maxBufferedBytes` is cut off (close 4408) and resumes when it reconnects, so a slow or
// broken client never stalls the others.
// The messages are core's wire types (packages/core/src/wire/events.ts).
import { randomUUID } from "node:crypto";
import {
  WS_CLOSE,
  type GuestHeartbeatMessage,
  type HeartbeatMessage,
  type LiveEvent,
  type ServerMessage,
} from "@tessera/core";

/** The one way a server message becomes text: typed, so nothing untyped reaches a client. */
export function encode(msg: ServerMessage): string {
  return JSON.stringify(msg);
}

export interface LiveClient {
  send(data: string): void;
  readonly bufferedAmount: number;
  close(code: number, reason: string): void;
  /** Who is listening: the session's user and token, so a logout can end the connection. */
  user?: string;
  session?: string;
}

export interface HubOptions {
  bufferSize?: number;
  maxBufferedBytes?: number;
  /** Guest heartbeats of one instance closer together than this are coalesced (default 500). */
  heartbeatGapMs?: number;
}

export class LiveHub {
  readonly epoch = randomUUID();
  private seqNo = 0;
  private readonly ring: { seq: number; text: string }[] = [];
  private readonly clients = new Set<LiveClient>();
  private readonly bufferSize: number;
  private readonly maxBuffered: number;
  private readonly heartbeatGap: number;
  private readonly beats = new Map<string, string>();
  private readonly beatSent = new Map<string, number>();

  constructor(opts: HubOptions = {}) {
    this.bufferSize = opts.bufferSize ?? 2000;
    this.maxBuffered = opts.maxBufferedBytes ?? 4 * 1024 * 1024;
    this.heartbeatGap = opts.heartbeatGapMs ?? 500;
  }

  get seq(): number {
    return this.seqNo;
  }

  get size(): number {
    return this.clients.size;
  }

  /**
   * Numbers, keeps and sends an event. `persist` runs with the event's seq before anything
   * is sent (the lifecycle stores the line or transition under that seq); when it throws,
   * nothing is announced and the number is not used.
   */
  publish(event: LiveEvent, persist?: (seq: number) => void): number {
    const seq = this.seqNo + 1;
    persist?.(seq);
    this.seqNo = seq;
    const text = encode({ ...event, seq });
    this.ring.push({ seq, text });
    if (this.ring.length > this.bufferSize) this.ring.shift();
    for (const c of this.clients) this.deliver(c, text);
    return seq;
  }

  /** The agent's heartbeat, outside the sequence: it carries the latest seq, no new number. */
  heartbeat(at: string): void {
    const text = this.heartbeatText(at);
    for (const c of this.clients) this.deliver(c, text);
  }

  /** A heartbeat as text, for one client's ping or for everyone. */
  heartbeatText(at: string): string {
    const msg: HeartbeatMessage = { type: "heartbeat", at, seq: this.seqNo };
    return encode(msg);
  }

  /**
   * A guest's heartbeat (`guest-heartbeat`, outside the sequence: no seq, never in the ring,
   * so frequent beats cannot push real events out of the resume window). Only the latest
   * beat per instance is kept, for resuming clients (`latestHeartbeats`); beats of one
   * instance closer than `heartbeatGapMs` to the last one sent are coalesced (kept, not sent).
   */
  guestHeartbeat(name: string, at: string): void {
    const msg: GuestHeartbeatMessage = { type: "guest-heartbeat", at, name };
    const text = encode(msg);
    this.beats.set(name, text);
    const t = Date.parse(at);
    const last = this.beatSent.get(name);
    if (last !== undefined && t - last < this.heartbeatGap && t >= last) return;
    this.beatSent.set(name, t);
    for (const c of this.clients) this.deliver(c, text);
  }

  /** The latest heartbeat of every instance that may still beat. */
  latestHeartbeats(): string[] {
    return [...this.beats.values()];
  }

  /** An instance stopped (or failed): its old heartbeat is no news for a resuming client. */
  forgetHeartbeat(name: string): void {
    this.beats.delete(name);
    this.beatSent.delete(name);
  }

  /**
   * Events after `since` of this epoch, or null when they are not all held any more (or
   * the epoch is another run's): the client then needs a snapshot.
   */
  since(epoch: string | undefined, since: number): string[] | null {
    if (epoch !== this.epoch || since > this.seqNo || since < 0) return null;
    if (since === this.seqNo) return [];
    const first = this.ring[0];
    if (!first || first.seq > since + 1) return null;
    return this.ring.slice(since + 1 - first.seq).map((e) => e.text);
  }

  add(client: LiveClient): void {
    this.clients.add(client);
  }

  remove(client: LiveClient): void {
    this.clients.delete(client);
  }

  deliver(client: LiveClient, text: string): void {
    if (client.bufferedAmount > this.maxBuffered) {
      this.clients.delete(client);
      client.close(WS_CLOSE.tooSlow, "too slow: reconnect and resume");
      return;
    }
    try {
      client.send(text);
    } catch {
      this.clients.delete(client);
    }
  }

  /** Ends the connections of a session or a user (logout, new password, user removed). */
  closeWhere(match: (c: LiveClient) => boolean, reason: string): void {
    for (const c of this.clients) {
      if (!match(c)) continue;
      this.clients.delete(c);
      c.close(WS_CLOSE.sessionEnded, reason);
    }
  }

  closeAll(): void {
    for (const c of this.clients) c.close(1001, "agent shutting down");
    this.clients.clear();
  }
}
