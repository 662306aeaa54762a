/** DataLoader helpers shared by the features' per-request loaders. */
import DataLoader from 'dataloader';

/** A DataLoader batch function. */
type Batch<I, V> = (ids: readonly I[]) => Promise<readonly (V | Error)[]>;

/**
 * One DataLoader per set of arguments (a page size, a list shape, a workflow and actor …), made
 * on first use: loads with the same arguments batch into one statement, loads with different ones
 * never share a batch. `key` names a set of arguments (default: the arguments themselves, each a
 * string, number or boolean); `cacheKey` what identifies a loaded item when it is not a string
 * (e.g. a row by its id). A list's resolvers ask for their loader once per row, so the default
 * looks the arguments up one by one (no key string made per row).
 */
export function loaderPerKey<A extends readonly unknown[], I, V>(
  batch: (...args: A) => Batch<I, V>,
  key?: (...args: A) => string,
  cacheKey?: (item: I) => unknown,
): (...args: A) => DataLoader<I, V> {
  const made = (args: A) => new DataLoader(batch(...args), cacheKey && { cacheKeyFn: cacheKey });
  if (key) {
    const loaders = new Map<string, DataLoader<I, V>>();
    return (...args) => {
      const k = key(...args);
      let loader = loaders.get(k);
      if (!loader) loaders.set(k, (loader = made(args)));
      return loader;
    };
  }
  // A tree of maps, one level per argument; the last level holds the loaders.
  const root = new Map<unknown, unknown>();
  return (...args) => {
    let level = root;
    for (let i = 0; i < args.length - 1; i += 1) {
      let next = level.get(args[i]) as Map<unknown, unknown> | undefined;
      if (!next) level.set(args[i], (next = new Map()));
      level = next;
    }
    const last = args[args.length - 1];
    let loader = level.get(last) as DataLoader<I, V> | undefined;
    if (!loader) level.set(last, (loader = made(args)));
    return loader;
  };
}
