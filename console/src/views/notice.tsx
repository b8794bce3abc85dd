/** The outcome of the last action, announced to screen readers as it changes. */
export interface Note {
  kind: 'busy' | 'ok' | 'error';
  text: string;
}

export function Notice({ note }: { note: Note | undefined }) {
  return (
    <p id="notice" class={`notice ${note?.kind ?? ''}`} role="status" aria-live="polite">
      {note?.text ?? ''}
    </p>
  );
}
