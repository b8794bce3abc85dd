/**
 * Sign in with an API token (`berth token create`, or the admin token `berth up` wrote). The token
 * is checked against /whoami before it is kept. The input has no name and the form is never
 * submitted natively, so the token cannot end up in a URL.
 */
import { useState } from 'preact/hooks';
import { WHOAMI_PATH } from '../../../api/paths.js';
import { authHeaders, errorOf } from '../api.js';
import { session } from '../session.js';

export function Login() {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const value = token.trim();
    if (value === '') return setError('paste a token first');
    setBusy(true);
    try {
      const res = await fetch(WHOAMI_PATH, { headers: authHeaders(value) });
      if (!res.ok) throw await errorOf(res);
      session.signIn(value);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login">
      <h1>berth</h1>
      <form onSubmit={submit} autocomplete="off">
        <label>
          API token
          <input
            id="token"
            type="password"
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
            placeholder="the output of berth token create, or <data-dir>/admin.token"
            autoFocus
          />
        </label>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </form>
      <p class="hint">The token stays in this tab (sessionStorage) and is sent only as the Authorization header.</p>
    </main>
  );
}
