// The user name and password fields (and the refusal) of every sign-in form: the sign-in
// page and the dialog that renews an ended session. Test ids are `${area}.username` etc.
export function CredentialFields({
  area,
  username,
  password,
  error,
  onUsername,
  onPassword,
}: {
  area: "login" | "session";
  username: string;
  password: string;
  error: string | null;
  onUsername: (v: string) => void;
  onPassword: (v: string) => void;
}) {
  return (
    <>
      <label className="field">
        User name
        <input
          data-testid={`${area}.username`}
          autoComplete="username"
          value={username}
          onChange={(e) => onUsername(e.target.value)}
          required
        />
      </label>
      <label className="field">
        Password
        <input
          data-testid={`${area}.password`}
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => onPassword(e.target.value)}
          required
        />
      </label>
      {error ? (
        <p className="banner error" role="alert" data-testid={`${area}.error`}>
          {error}
        </p>
      ) : null}
    </>
  );
}
