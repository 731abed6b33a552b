import { useCallback, useEffect, useRef, useState } from 'react';
import { asApiError } from './client';
import type { Loaded } from './useLoad';

/** How often the live pages ask again. */
export const REFRESH_MILLIS = 5000;

/**
 * Like {@link useLoad}, and asks again `everyMillis` after each answer while the page is shown. The last good data
 * stays on screen while a refresh runs or fails (the failure is reported next to it); `loading` is true only until the
 * first answer for a `key`. A change of `key` starts over.
 */
export function usePoll<T>(load: () => Promise<T>, key: string, everyMillis: number = REFRESH_MILLIS): Loaded<T> & {
  refreshedAt: number | null;
} {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Loaded<T>['error']>(null);
  const [loading, setLoading] = useState(true);
  const [refreshedAt, setRefreshedAt] = useState<number | null>(null);
  const [round, setRound] = useState(0);
  const loader = useRef(load);
  loader.current = load;
  const reload = useCallback(() => setRound((r) => r + 1), []);

  useEffect(() => {
    setData(undefined);
    setError(null);
    setLoading(true);
  }, [key]);

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = () => {
      loader
        .current()
        .then((value) => {
          if (live) {
            setData(value);
            setError(null);
            setRefreshedAt(Date.now());
          }
        })
        .catch((e) => live && setError(asApiError(e)))
        .finally(() => {
          if (live) {
            setLoading(false);
            timer = setTimeout(ask, everyMillis);
          }
        });
    };
    ask();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key, round, everyMillis]);

  return { data, error, loading, reload, refreshedAt };
}
