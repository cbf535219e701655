// The "signed out while working" dialog: over the console, not instead of it, so nothing on
// the page is lost. After signing in again the interrupted action carries on (expiry.ts).
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useStore } from "../store";
import { abandonSession, renewSession } from "./expiry";
import { openModal } from "../ui/modal";
import { CredentialFields } from "./credential-fields";

export function SessionExpiredDialog() {
  const expired = useStore((s) => s.sessionExpired);
  const name = useStore((s) => s.user?.name ?? "");
  const ref = useRef<HTMLDialogElement | null>(null);
  const [username, setUsername] = useState(name);
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (expired) {
      setUsername(name);
      setPassword("");
      setError(null);
      if (ref.current) openModal(ref.current);
    }
  }, [expired, name]);
  if (!expired) return null;
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    const err = await renewSession(username, password);
    setBusy(false);
    setError(err);
  }
  return (
    <dialog
      ref={ref}
      aria-labelledby="expired-h"
      data-testid="session.dialog"
      onCancel={(e) => e.preventDefault()}
    >
      <form onSubmit={submit}>
        <h2 id="expired-h">Your session has ended</h2>
        <p>
          The agent signed you out (the session expired or was ended). Sign in again to carry on:
          your unsaved changes and what you were doing are kept.
        </p>
        <CredentialFields
          area="session"
          username={username}
          password={password}
          error={error}
          onUsername={setUsername}
          onPassword={setPassword}
        />
        <div className="row" style={{ marginTop: 12 }}>
          <button type="button" onClick={abandonSession} data-testid="session.give-up">
            Go to the sign-in page
          </button>
          <button className="primary" type="submit" disabled={busy} data-testid="session.submit">
            {busy ? "Signing in…" : "Sign in and carry on"}
          </button>
        </div>
      </form>
    </dialog>
  );
}
