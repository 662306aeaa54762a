/**
 * A small per-process cache of the viewer behind a user id, so an authenticated request need not
 * look its user up every time (VIEWER_CACHE_MS). Bounded, evicts the oldest entry, shares one
 * lookup between concurrent requests for the same id, and ages entries on the app's clock.
 */
import type { Clock } from '../platform/clock.js';
import type { Viewer } from '../platform/auth/viewer.js';

/** Most entries kept; past it the oldest is dropped. */
export const VIEWER_CACHE_MAX_ENTRIES = 10_000;

export interface ViewerCacheOptions {
  /** How long a loaded viewer is served without a lookup; 0 disables the cache. */
  ttlMs: number;
  clock: Clock;
  maxEntries?: number;
}

interface Entry<T> {
  viewer: T;
  /** Clock time of the lookup, in ms. */
  loadedAt: number;
}

/** `T`: what is kept per user id (the viewer, or the viewer with more about the user). */
export class ViewerCache<T = Viewer> {
  /** In insertion order, so the first key is the oldest. */
  private readonly entries = new Map<string, Entry<T>>();
  /** Lookups under way, shared by the requests that wait for them. */
  private readonly loading = new Map<string, Promise<T>>();
  private readonly maxEntries: number;

  constructor(private readonly options: ViewerCacheOptions) {
    this.maxEntries = options.maxEntries ?? VIEWER_CACHE_MAX_ENTRIES;
  }

  /** The cached viewer for `id` if fresh, else the one `load` gives (cached when it resolves). A failing load is never cached. */
  get(id: string, load: (id: string) => Promise<T>): Promise<T> {
    if (this.options.ttlMs <= 0) return load(id);
    const cached = this.fresh(id);
    if (cached !== undefined) return Promise.resolve(cached);
    this.entries.delete(id);
    const now = this.options.clock().getTime();
    const pending = this.loading.get(id);
    if (pending) return pending;
    const started = load(id).then((viewer) => {
      // Dropped meanwhile (the user changed): serve this answer to its waiters, keep nothing.
      if (this.loading.get(id) === started) this.store(id, { viewer, loadedAt: now });
      return viewer;
    });
    this.loading.set(id, started);
    const forget = () => {
      if (this.loading.get(id) === started) this.loading.delete(id);
    };
    started.then(forget, forget);
    return started;
  }

  /** The cached value for `id` if fresh (batch readers look up what is missing themselves, then `put` it). */
  fresh(id: string): T | undefined {
    if (this.options.ttlMs <= 0) return undefined;
    const entry = this.entries.get(id);
    const now = this.options.clock().getTime();
    // A clock that went back counts as stale, as does one past the TTL.
    return entry && now >= entry.loadedAt && now - entry.loadedAt < this.options.ttlMs ? entry.viewer : undefined;
  }

  /** Keeps `value` for `id` from now (nothing while the cache is disabled). */
  put(id: string, value: T): void {
    if (this.options.ttlMs > 0) this.store(id, { viewer: value, loadedAt: this.options.clock().getTime() });
  }

  /** Forgets `id` (its role, activity or password changed): its next request looks it up again. */
  drop(id: string): void {
    this.entries.delete(id);
    this.loading.delete(id);
  }

  /** Forgets everyone (T1: a department or a user moved, so whom managers reach changed). */
  clear(): void {
    this.entries.clear();
    this.loading.clear();
  }

  /** How many viewers are cached (tests and diagnostics). */
  get size(): number {
    return this.entries.size;
  }

  private store(id: string, entry: Entry<T>): void {
    this.entries.delete(id);
    this.entries.set(id, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }
}
