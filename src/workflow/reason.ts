/**
 * P10 / A3 / C4: what counts as a reason, for every machine whose events need one — at least
 * two characters that are not white space. One definition, so the three workflows agree.
 */
const MIN_REASON_LENGTH = 2;

export function hasReason(event: { reason?: unknown }, min = MIN_REASON_LENGTH): boolean {
  return typeof event.reason === 'string' && event.reason.replace(/\s/gu, '').length >= min;
}
