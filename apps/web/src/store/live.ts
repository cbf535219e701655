// The live controller: the one place where the agent's live messages enter the store
// (STYLE.md 9). api/socket.ts carries them; this decides what each means for the console.
import type { ServerMessage } from "@tessera/core";
import { connectSocket, disconnectSocket } from "../api/socket";
import { loadMachine } from "../editor/editor-actions";
import { refreshProfiles, savingNow } from "../profiles/profile-actions";
import { loadRun } from "../run/run-actions";
import { useStore } from "./index";

export function applyServerMessage(msg: ServerMessage): void {
  const s = useStore.getState();
  switch (msg.type) {
    case "snapshot":
      s.runSnapshot(msg);
      return;
    case "instance":
      s.runInstanceEvent(msg);
      return;
    case "log":
      s.runLog(msg);
      return;
    case "phase-overdue":
      s.runOverdue(msg);
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
        !savingNow(src.id)
      ) {
        s.setNotice({
          kind: "warning",
          text: `${msg.by} saved ${msg.name} as version ${msg.version}. Saving your draft will ask what to keep.`,
        });
      }
      if (src && msg.id === src.id && msg.action === "deleted") {
        s.setSource(null); // before the notice: a notice belongs to the profile open when it came
        s.setNotice({
          kind: "warning",
          text: `${msg.by} deleted ${msg.name}. Save as to keep your draft.`,
        });
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

/** Opens the live connection for this signed-in console; returns the closer. */
export function startLive(): () => void {
  connectSocket({
    message: applyServerMessage,
    status: (s) => useStore.getState().setWsStatus(s),
  });
  return disconnectSocket;
}
