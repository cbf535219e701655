// A minimal sign-in form; issue 7 extends it.
import { useState, type FormEvent } from "react";
import { signIn } from "../store/actions";

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
        <label className="field">
          User name
          <input
            data-testid="login.username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </label>
        <label className="field">
          Password
          <input
            data-testid="login.password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error ? (
          <p className="banner error" role="alert" data-testid="login.error">
            {error}
          </p>
        ) : null}
        <button className="primary" type="submit" disabled={busy} data-testid="login.submit">
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
