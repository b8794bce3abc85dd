/** A Collection as a Preact hook: one watch per path while the component is mounted. */
import { useEffect, useState } from 'preact/hooks';
import { Collection, type Named } from './watch.js';

export interface CollectionView<T> {
  items: T[];
  loaded: boolean;
  error: string | undefined;
}

const EMPTY = { items: [], loaded: false, error: undefined };

export function useCollection<T extends Named>(path: string | undefined): CollectionView<T> {
  const [view, setView] = useState<CollectionView<T>>(EMPTY);
  useEffect(() => {
    setView(EMPTY);
    if (path === undefined) return;
    const collection = new Collection<T>(path);
    // Events arrive in bursts during a rollout: render at most once a frame.
    let frame: number | undefined;
    const render = () => {
      frame = undefined;
      setView({ items: [...collection.items.values()], loaded: collection.loaded, error: collection.error });
    };
    const unsubscribe = collection.subscribe(() => {
      frame ??= window.requestAnimationFrame(render);
    });
    collection.start();
    return () => {
      unsubscribe();
      if (frame !== undefined) window.cancelAnimationFrame(frame);
      collection.stop();
    };
  }, [path]);
  return view;
}
