/**
 * The signed-in token. It lives in sessionStorage (this tab only, gone when the tab closes), goes
 * out only as the Authorization header, and is never put in a URL, a log or the page.
 */
const KEY = 'berth.console.token';

type Listener = () => void;
const listeners = new Set<Listener>();

export const session = {
  token(): string | undefined {
    return sessionStorage.getItem(KEY) ?? undefined;
  },
  signIn(token: string): void {
    sessionStorage.setItem(KEY, token);
    for (const l of listeners) l();
  },
  signOut(): void {
    sessionStorage.removeItem(KEY);
    for (const l of listeners) l();
  },
  onChange(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
