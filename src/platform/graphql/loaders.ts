/** DataLoader helpers shared by the features' per-request loaders. */
import DataLoader from 'dataloader';

/** A DataLoader batch function. */
type Batch<I, V> = (ids: readonly I[]) => Promise<readonly (V | Error)[]>;

/**
 * One DataLoader per set of arguments (a page size, a list shape, a workflow and actor …), made
 * on first use: loads with the same arguments batch into one statement, loads with different ones
 * never share a batch. `key` names a set of arguments (default: the arguments joined);
 * `cacheKey` what identifies a loaded item when it is not a string (e.g. a row by its id).
 */
export function loaderPerKey<A extends readonly unknown[], I, V>(
  batch: (...args: A) => Batch<I, V>,
  key: (...args: A) => string = (...args) => args.join(':'),
  cacheKey?: (item: I) => unknown,
): (...args: A) => DataLoader<I, V> {
  const loaders = new Map<string, DataLoader<I, V>>();
  return (...args) => {
    const k = key(...args);
    let loader = loaders.get(k);
    if (!loader) loaders.set(k, (loader = new DataLoader(batch(...args), cacheKey && { cacheKeyFn: cacheKey })));
    return loader;
  };
}
