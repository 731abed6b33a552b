import type { FieldError } from '../api/types';

export type NamePath = (string | number)[];

/** `$.routes[0].destinations[1].weight` → `['routes', 0, 'destinations', 1, 'weight']`. */
export function parsePath(path: string): NamePath {
  const out: NamePath = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]/g;
  let m: RegExpExecArray | null;
  const body = path.startsWith('$') ? path.slice(1) : path;
  while ((m = re.exec(body)) !== null) {
    if (m[1] !== undefined) {
      out.push(m[1]);
    } else if (m[2] !== undefined) {
      out.push(Number(m[2]));
    } else {
      out.push(m[3]);
    }
  }
  return out;
}

export function samePath(a: NamePath, b: NamePath): boolean {
  return a.length === b.length && a.every((x, i) => String(x) === String(b[i]));
}

export interface Placed {
  /** Errors by the form field they belong to. */
  fields: { name: NamePath; errors: string[] }[];
  /** Errors no field of the form shows; listed above the form. */
  general: FieldError[];
}

/**
 * Places the API's field errors on the form's fields: each error goes to the field at its path after `rewrite`, or the
 * nearest registered ancestor (a list, for "weights sum to 90"); errors with no such field are general.
 */
export function placeErrors(
  errors: FieldError[],
  registered: NamePath[],
  rewrite: (p: NamePath) => NamePath = (p) => p,
): Placed {
  const byField = new Map<string, { name: NamePath; errors: string[] }>();
  const general: FieldError[] = [];
  for (const error of errors) {
    let path = rewrite(parsePath(error.path));
    let target: NamePath | undefined;
    while (path.length > 0 && !target) {
      const candidate = path;
      target = registered.find((r) => samePath(r, candidate));
      path = path.slice(0, -1);
    }
    if (!target) {
      general.push(error);
      continue;
    }
    const key = JSON.stringify(target.map(String));
    const entry = byField.get(key) ?? { name: target, errors: [] };
    entry.errors.push(error.message);
    byField.set(key, entry);
  }
  return { fields: [...byField.values()], general };
}
