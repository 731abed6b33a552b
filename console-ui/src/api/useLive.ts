import { useCallback, useEffect, useRef, useState } from 'react';
import { asApiError, type ApiError } from './client';

export interface Live<T> {
  data: T | undefined;
  error: ApiError | null;
  /** True only until the first answer (or failure): a refresh keeps the data on screen. */
  loading: boolean;
  reload: () => void;
  /** Shows a value the page already has (e.g. the answer of an action) without waiting for the next poll. */
  set: (value: T) => void;
}

/**
 * Loads once per change of `key`, then again every `intervalMs` for as long as `live(data)` holds (a migration
 * running, a mode switch pending). A failed refresh keeps the last data and shows the error; the next poll retries.
 */
export function useLive<T>(
  load: () => Promise<T>,
  key: string,
  intervalMs: number,
  live: (data: T | undefined) => boolean,
): Live<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  const [answers, setAnswers] = useState(0);
  // an answer to a request sent before `set` is older than what `set` showed: dropped
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(() => setRound((r) => r + 1), []);

  useEffect(() => {
    setLoading(true);
    setData(undefined);
  }, [key]);

  useEffect(() => {
    let current = true;
    const sentIn = generation.current;
    loadRef
      .current()
      .then((value) => {
        if (current && sentIn === generation.current) {
          setData(value);
          setError(null);
        }
      })
      .catch((e) => current && setError(asApiError(e)))
      .finally(() => {
        if (current) {
          setLoading(false);
          setAnswers((n) => n + 1);
        }
      });
    return () => {
      current = false;
    };
  }, [key, round]);

  const polling = !loading && live(data);
  useEffect(() => {
    if (!polling) {
      return;
    }
    const timer = setTimeout(reload, intervalMs);
    return () => clearTimeout(timer);
  }, [polling, answers, intervalMs, reload]);

  const set = useCallback((value: T) => {
    generation.current += 1;
    setData(value);
    setError(null);
  }, []);

  return { data, error, loading, reload, set };
}
