/** A Collection as a Preact hook: one watch per path while the component is mounted. */
import { useEffect, useState } from 'preact/hooks';
import { Collection, type Named } from './watch.js';

export interface CollectionView<T> {
  items: T[];
  loaded: boolean;
  error: string | undefined;
}

const EMPTY = { items: [], loaded: false, error: undefined };

/**
 * Events arrive in bursts (a rollout, the first lists): every collection's changes wait for the
 * next frame and go out in one callback, so Preact renders the page once per frame, not once per
 * event or per collection.
 */
const due = new Set<() => void>();
let frame: number | undefined;
function inNextFrame(update: () => void): void {
  due.add(update);
  frame ??= window.requestAnimationFrame(() => {
    frame = undefined;
    const updates = [...due];
    due.clear();
    for (const u of updates) u();
  });
}

export function useCollection<T extends Named>(path: string | undefined): CollectionView<T> {
  const [view, setView] = useState<CollectionView<T>>(EMPTY);
  useEffect(() => {
    setView(EMPTY);
    if (path === undefined) return;
    const collection = new Collection<T>(path);
    const render = () => setView({ items: [...collection.items.values()], loaded: collection.loaded, error: collection.error });
    const unsubscribe = collection.subscribe(() => inNextFrame(render));
    collection.start();
    return () => {
      unsubscribe();
      due.delete(render);
      collection.stop();
    };
  }, [path]);
  return view;
}
