// The agent's event stream (apps/agent/API.md, protocol tessera/ws@1). Messages enter the
// store only through applyServerMessage; the socket reconnects and resumes from its seq.
import { useStore } from "../store";
import { loadMachine } from "../editor/editor-actions";
import { refreshProfiles } from "../profiles/profile-actions";
import { loadRun } from "../run/run-actions";
import type { InstanceMessage, LogMessage, SnapshotMessage } from "../run/run-slice";

type ServerMessage =
  | SnapshotMessage
  | { type: "resumed"; epoch: string; from: number; to: number }
  | {
      type: "profile";
      seq: number;
      action: string;
      id: string;
      name: string;
      version: number;
      by: string;
    }
  | { type: "machine"; seq: number; fingerprint: string }
  | { type: "heartbeat"; seq: number; at: string }
  // a guest's heartbeat, outside the sequence (no seq; API.md "guest-heartbeat")
  | { type: "guest-heartbeat"; at: string; name: string }
  | { type: "error"; code: string; message: string }
  | InstanceMessage
  | LogMessage;

// The agent's subprotocol token for tessera/ws@1 (API.md: "/" and "@" are not RFC 6455 tokens).
const PROTOCOL = "tessera.ws.v1";
let epoch = "";
let seq = 0;

export function applyServerMessage(msg: ServerMessage): void {
  const s = useStore.getState();
  if ("seq" in msg && typeof msg.seq === "number") seq = Math.max(seq, msg.seq);
  switch (msg.type) {
    case "snapshot":
      epoch = msg.epoch;
      seq = msg.seq;
      s.runSnapshot(msg);
      return;
    case "instance":
      s.runInstanceEvent(msg);
      return;
    case "log":
      s.runLog(msg);
      return;
    case "profile": {
      void refreshProfiles();
      if (msg.action === "activated") void loadRun();
      const src = s.source;
      if (
        src &&
        msg.id === src.id &&
        msg.action === "updated" &&
        msg.version > src.version &&
        msg.by !== s.user?.name
      ) {
        s.setNotice({
          kind: "warning",
          text: `${msg.by} saved ${msg.name} as version ${msg.version}. Saving your draft will ask what to keep.`,
        });
      }
      if (src && msg.id === src.id && msg.action === "deleted") {
        s.setNotice({
          kind: "warning",
          text: `${msg.by} deleted ${msg.name}. Save as to keep your draft.`,
        });
        s.setSource(null);
      }
      return;
    }
    case "heartbeat":
      s.runHeartbeat(msg.at);
      return;
    case "guest-heartbeat":
      s.runGuestHeartbeat(msg.name, msg.at);
      return;
    case "machine":
      if (msg.fingerprint !== s.fingerprint) void loadMachine();
      return;
    case "error":
      if (msg.code === "WS-VERSION") return; // reported by the close code; nothing to tell the operator
      s.setNotice({ kind: "error", text: `${msg.message} (${msg.code})` });
      return;
    default:
      return;
  }
}

let socket: WebSocket | null = null;
let retry = 0;
let stopped = false;
let retryTimer: ReturnType<typeof setTimeout> | undefined;

export function connectEvents(): void {
  stopped = false;
  // One connection at a time: a pending retry or an older socket is superseded.
  clearTimeout(retryTimer);
  if (socket && socket.readyState <= WebSocket.OPEN) return;
  const s = useStore.getState();
  s.setWsStatus("connecting");
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  const q = epoch ? `?since=${seq}&epoch=${encodeURIComponent(epoch)}` : "";
  const url = `${proto}//${location.host}/api/ws${q}`;
  let ws: WebSocket;
  try {
    ws = new WebSocket(url, PROTOCOL);
  } catch {
    // Browsers accept only RFC 6455 tokens as subprotocols ("/" and "@" are not): until the
    // agent offers a token name, connect without one (the agent may then refuse with 4406).
    try {
      ws = new WebSocket(url);
    } catch {
      useStore.getState().setWsStatus("closed");
      return;
    }
  }
  socket = ws;
  ws.onopen = () => {
    retry = 0;
    useStore.getState().setWsStatus("open");
  };
  ws.onmessage = (e) => {
    try {
      applyServerMessage(JSON.parse(String(e.data)) as ServerMessage);
    } catch {
      // not JSON: ignore, the protocol is JSON only
    }
  };
  ws.onclose = (e) => {
    if (socket !== ws) return; // a socket already replaced by a newer one
    useStore.getState().setWsStatus("closed");
    socket = null;
    // 4401: the session ended; reconnectEvents() runs once the operator signs in again.
    if (stopped || e.code === 4401 || e.code === 4406) return;
    retry = Math.min(retry + 1, 6);
    retryTimer = setTimeout(connectEvents, 500 * 2 ** retry);
  };
}

/** Reconnects now, without waiting for a backoff: after signing in again. */
export function reconnectEvents(): void {
  if (stopped) return;
  retry = 0;
  connectEvents();
}

export function disconnectEvents(): void {
  stopped = true;
  clearTimeout(retryTimer);
  const ws = socket;
  socket = null;
  ws?.close();
}
