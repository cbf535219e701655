// The sign-in page.
import { useState, type FormEvent } from "react";
import { signIn } from "./session-actions";
import { CredentialFields } from "./credential-fields";

export function LoginView() {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(await signIn(username, password));
    setBusy(false);
  }
  return (
    <main className="login">
      <form className="panel" onSubmit={submit} aria-labelledby="login-h">
        <h1 id="login-h">Sign in to Tessera</h1>
        <CredentialFields
          area="login"
          username={username}
          password={password}
          error={error}
          onUsername={setUsername}
          onPassword={setPassword}
        />
        <button className="primary" type="submit" disabled={busy} data-testid="login.submit">
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
