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
}

export class LiveHub {
  readonly epoch = randomUUID();
  private seqNo = 0;
  private readonly ring: { seq: number; text: string }[] = [];
  private readonly clients = new Set<LiveClient>();
  private readonly bufferSize: number;
  private readonly maxBuffered: number;

  constructor(opts: HubOptions = {}) {
    this.bufferSize = opts.bufferSize ?? 2000;
    this.maxBuffered = opts.maxBufferedBytes ?? 4 * 1024 * 1024;
  }

  get seq(): number {
    return this.seqNo;
  }

  get size(): number {
    return this.clients.size;
  }

  publish(event: LiveEvent): number {
    const seq = ++this.seqNo;
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
