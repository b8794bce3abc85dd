/** The web console: sign in with a token, then one page of the cluster, live. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { session } from './session.js';
import { Login } from './views/login.js';
import { Console } from './views/console.js';
import './style.css';

function Root() {
  const [token, setToken] = useState(session.token());
  useEffect(() => session.onChange(() => setToken(session.token())), []);
  return token === undefined ? <Login /> : <Console />;
}

const root = document.getElementById('app');
if (root) render(<Root />, root);
