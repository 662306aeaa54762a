/** Small helpers for reading an untrusted JSON document and writing problem messages. */

/** A JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A name as messages show it: `` `name` ``. */
export function quote(name: string): string {
  return `\`${name}\``;
}

/** `at.key`, or `key` at the top of the document. */
function pathOf(at: string, key: string): string {
  return at === '' ? key : `${at}.${key}`;
}

/** Reports each key of `value` that is not one of `known`, at its own path. */
export function reportUnknownKeys(value: Record<string, unknown>, known: readonly string[], at: string, report: (path: string, message: string) => void): void {
  for (const key of Object.keys(value)) if (!known.includes(key)) report(pathOf(at, key), `is not a known key (${known.join(', ')})`);
}
