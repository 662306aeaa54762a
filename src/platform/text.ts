/**
 * The character rule of every text a client sends (issue 15): no NUL or other control characters
 * (tab and line breaks only where several lines are allowed), no lone UTF-16 surrogates (they
 * cannot be stored as UTF-8), no bidirectional overrides (they make a name read differently from
 * what it is), and a maximum length in characters.
 */

/** C0 controls and DEL; tab, line feed and carriage return are allowed in multi-line text. */
const CONTROL = /[\u0000-\u001f\u007f]/;
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069). */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;

/** Why `text` breaks the rule, or undefined. Work is bounded by `max`, not by the text. */
export function textProblem(text: string, max: number, lines: boolean): string | undefined {
  // A code point is at most two UTF-16 units: longer than 2 × max units is too long for sure.
  if (text.length > max && (text.length > 2 * max || [...text].length > max)) return `must be at most ${max} characters`;
  if ((lines ? CONTROL_EXCEPT_LINES : CONTROL).test(text))
    return lines ? 'must not contain control characters other than tabs and line breaks' : 'must be one line without control characters';
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode (it holds a lone surrogate)';
  if (BIDI_CONTROL.test(text)) return 'must not contain bidirectional override characters';
  return undefined;
}

/** Whether `text` is free of NUL, other C0 controls except tab and line breaks, and lone surrogates: storable as-is. */
export function isStorableText(text: string): boolean {
  return !CONTROL_EXCEPT_LINES.test(text) && !LONE_SURROGATE.test(text);
}
