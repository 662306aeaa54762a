/**
 * Types for the part of autocannon 9 the claims benchmark uses (autocannon ships none, and
 * @types/autocannon describes version 7). From its README ("API", "Client API", "Results") and
 * lib/run.js, lib/requestIterator.js.
 */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  /** The request a `setupRequest` receives and returns (merged with the defaults). */
  export interface RequestParams {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
  }

  /** One entry of a client's request sequence. */
  export interface Request extends RequestParams {
    /** Called before each send; a falsy return restarts the sequence. */
    setupRequest?: (request: RequestParams, context: Record<string, unknown>) => RequestParams | null | undefined;
    /** Called with each response to this request. */
    onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string | string[]>) => void;
  }

  /** One connection; `setupClient` receives it before its first request. */
  export interface Client extends EventEmitter {
    setRequests(requests: Request[]): void;
    setHeaders(headers: Record<string, string>): void;
  }

  export interface Options {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    /** Seconds to wait for a response. */
    timeout?: number;
    pipelining?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    requests?: Request[];
    setupClient?: (client: Client) => void;
  }

  /** A histogram summary (latency in ms). */
  export interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p99: number;
    p99_9: number;
  }

  export interface Result {
    latency: Histogram;
    requests: Histogram;
    /** Seconds. */
    duration: number;
    errors: number;
    timeouts: number;
    mismatches: number;
    non2xx: number;
    resets: number;
    statusCodeStats: Record<string, { count: number }>;
  }

  /** The running benchmark: an event emitter that is also a promise of its result. */
  export interface Instance extends EventEmitter, PromiseLike<Result> {
    stop(): void;
  }

  export default function autocannon(options: Options): Instance;
}
