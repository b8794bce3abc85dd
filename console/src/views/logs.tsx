/**
 * One task container's logs, followed: the API's task log route (api/server/task-log-route.ts)
 * with follow=true, read as the stream arrives, until the panel closes (the fetch is aborted, so
 * the server stops reading from the agent).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { taskLogPath } from '../../../api/paths.js';
import { authHeaders, errorOf } from '../api.js';
import type { Task } from '../types.js';

const TAIL_LINES = 200;
/** The most text kept on the page: a chatty container must not grow it without bound. */
const MAX_CHARS = 256 * 1024;

export function Logs({ cluster, task, onClose }: { cluster: string; task: Task; onClose: () => void }) {
  const name = task.metadata.name;
  const containers = (task.status?.containers ?? []).map((c) => c.name);
  const [container, setContainer] = useState<string | undefined>();
  const [text, setText] = useState('');
  const [state, setState] = useState('connecting');
  const pre = useRef<HTMLPreElement>(null);

  useEffect(() => {
    const abort = new AbortController();
    setText('');
    setState('connecting');
    const query = new URLSearchParams({ follow: 'true', tail: String(TAIL_LINES) });
    if (container !== undefined) query.set('container', container);
    void (async () => {
      try {
        const res = await fetch(`${taskLogPath(cluster, name)}?${query}`, { headers: authHeaders(), signal: abort.signal });
        if (!res.ok) throw await errorOf(res);
        if (!res.body) throw new Error('the log answered without a body');
        setState(`following ${res.headers.get('x-berth-container') ?? container ?? ''}`.trim());
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          setText((t) => (t + value).slice(-MAX_CHARS));
        }
        setState('ended');
      } catch (err) {
        if (!abort.signal.aborted) setState(`failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    })();
    return () => abort.abort();
  }, [cluster, name, container]);

  useEffect(() => {
    const el = pre.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [text]);

  return (
    <section id="logs" aria-label={`logs of ${name}`}>
      <h2>
        Logs of <span class="mono">{name}</span>
      </h2>
      <div class="actions">
        {containers.length > 1 && (
          <select aria-label="container" value={container ?? ''} onChange={(e) => setContainer(e.currentTarget.value || undefined)}>
            <option value="">(default container)</option>
            {containers.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        )}
        <span class="meta" data-field="log-state">
          {state}
        </span>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <pre ref={pre} class="log">
        {text}
      </pre>
    </section>
  );
}
