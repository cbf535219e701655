// The live connection to the agent (apps/agent/API.md, protocol tessera/ws@1), transport
// only: it opens the socket with the agent's subprotocol, hands every parsed message to the
// one listener (the store's live controller), reports its state, reconnects with backoff
// and resumes from the last sequence number it saw. It never decides what a message means.
import { WS_CLOSE, WS_SUBPROTOCOL, type ServerMessage } from "@tessera/core";

/** Close codes after which reconnecting the same way cannot help. */
const NO_RETRY = new Set<number>([
  WS_CLOSE.sessionEnded,
  WS_CLOSE.passwordChangeRequired,
  WS_CLOSE.version,
]);

export type SocketStatus = "closed" | "connecting" | "open";

export interface SocketListener {
  message(msg: ServerMessage): void;
  status(s: SocketStatus): void;
}

let listener: SocketListener | null = null;
let epoch = "";
let seq = 0;
let socket: WebSocket | null = null;
let retry = 0;
let stopped = false;
let retryTimer: ReturnType<typeof setTimeout> | undefined;

/** Where a reconnect resumes: the agent run (epoch) and the last sequence number seen. */
function note(msg: ServerMessage): void {
  if (msg.type === "snapshot") {
    epoch = msg.epoch;
    seq = msg.seq;
  } else if ("seq" in msg && typeof msg.seq === "number") seq = Math.max(seq, msg.seq);
}

function open(): void {
  // One connection at a time: a pending retry or an older socket is superseded.
  clearTimeout(retryTimer);
  if (socket && socket.readyState <= WebSocket.OPEN) return;
  listener?.status("connecting");
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  const q = epoch ? `?since=${seq}&epoch=${encodeURIComponent(epoch)}` : "";
  const url = `${proto}//${location.host}/api/ws${q}`;
  let ws: WebSocket;
  try {
    ws = new WebSocket(url, WS_SUBPROTOCOL);
  } catch {
    listener?.status("closed");
    return;
  }
  socket = ws;
  ws.onopen = () => {
    retry = 0;
    listener?.status("open");
  };
  ws.onmessage = (e) => {
    let msg: ServerMessage;
    try {
      msg = JSON.parse(String(e.data)) as ServerMessage;
    } catch {
      return; // not JSON: ignore, the protocol is JSON only
    }
    note(msg);
    listener?.message(msg);
  };
  ws.onclose = (e) => {
    if (socket !== ws) return; // a socket already replaced by a newer one
    listener?.status("closed");
    socket = null;
    // 4401: the session ended; reconnectSocket() runs once the operator signs in again.
    // 4403: a new password must be chosen first; the console connects again after that.
    if (stopped || NO_RETRY.has(e.code)) return;
    retry = Math.min(retry + 1, 6);
    retryTimer = setTimeout(open, 500 * 2 ** retry);
  };
}

/** Opens the live connection; every message goes to `to`. */
export function connectSocket(to: SocketListener): void {
  listener = to;
  stopped = false;
  open();
}

/** Reconnects now, without waiting for a backoff: after signing in again. */
export function reconnectSocket(): void {
  if (stopped || !listener) return;
  retry = 0;
  open();
}

export function disconnectSocket(): void {
  stopped = true;
  clearTimeout(retryTimer);
  const ws = socket;
  socket = null;
  ws?.close();
}
