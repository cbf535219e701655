// The live event stream: every event gets the next sequence number of this agent run
// (`epoch`), is serialised once, kept in a ring buffer for resumes and sent to every client.
// Sending never waits on a client: a client whose socket buffer holds more than
// `maxBufferedBytes` is cut off (close 4408) and resumes when it reconnects, so a slow or
// broken client never stalls the others.
import { randomUUID } from "node:crypto";

/** The protocol's name and version (carried in the snapshot). */
export const WS_PROTOCOL = "tessera/ws@1";
/**
 * The same version as a WebSocket subprotocol: RFC 6455 subprotocols are tokens, which may
 * not contain "/" or "@" (browsers throw a SyntaxError), hence a separate spelling.
 */
export const WS_SUBPROTOCOL = "tessera.ws.v1";

/** An event before it is numbered: a tagged union member without seq. */
export type LiveEvent = { type: string; at: string } & Record<string, unknown>;

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
    const text = JSON.stringify({ ...event, seq });
    this.ring.push({ seq, text });
    if (this.ring.length > this.bufferSize) this.ring.shift();
    for (const c of this.clients) this.deliver(c, text);
    return seq;
  }

  /** A message outside the sequence (heartbeats): the latest seq, no new number. */
  broadcastUnsequenced(event: LiveEvent): void {
    const text = JSON.stringify({ ...event, seq: this.seqNo });
    for (const c of this.clients) this.deliver(c, text);
  }

  /**
   * A guest's heartbeat (`guest-heartbeat`, outside the sequence: no seq, never in the ring,
   * so frequent beats cannot push real events out of the resume window). Only the latest
   * beat per instance is kept, for resuming clients (`latestHeartbeats`); beats of one
   * instance closer than `heartbeatGapMs` to the last one sent are coalesced (kept, not sent).
   */
  guestHeartbeat(name: string, at: string): void {
    const text = JSON.stringify({ type: "guest-heartbeat", at, name });
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
      client.close(4408, "too slow: reconnect and resume");
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
      c.close(4401, reason);
    }
  }

  closeAll(): void {
    for (const c of this.clients) c.close(1001, "agent shutting down");
    this.clients.clear();
  }
}
