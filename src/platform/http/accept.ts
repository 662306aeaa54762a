/**
 * Content negotiation for GET / and GET /graphql: does the client prefer an HTML page (a browser)
 * to a GraphQL JSON response (curl, API clients)? The order is Apollo's (it uses `negotiator`):
 * the higher quality wins, then the more specific media range, then the range listed first in
 * Accept; a tie goes to JSON. So `*∕*` (curl) and `application/json` get JSON, a browser's Accept
 * (text/html explicitly, `*∕*;q=0.8`) gets HTML.
 */

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
  index: number;
}

interface Match {
  q: number;
  specificity: number;
  index: number;
}

const JSON_TYPES = ['application/json', 'application/graphql-response+json'];

function parseAccept(accept: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  accept.split(',').forEach((part, index) => {
    const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const [type, subtype] = range.split('/');
    if (!type || !subtype) return;
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    ranges.push({ type, subtype, q: Number.isFinite(q) ? q : 0, index });
  });
  return ranges;
}

/** The most specific range of `ranges` that matches `mediaType`, as negotiator picks it. */
function bestMatch(ranges: readonly MediaRange[], mediaType: string): Match | undefined {
  const [type, subtype] = mediaType.split('/');
  let best: Match | undefined;
  for (const range of ranges) {
    const typeOk = range.type === type || range.type === '*';
    const subtypeOk = range.subtype === subtype || range.subtype === '*';
    if (!typeOk || !subtypeOk) continue;
    const specificity = (range.type === type ? 2 : 0) + (range.subtype === subtype ? 1 : 0);
    if (!best || specificity > best.specificity || (specificity === best.specificity && range.q > best.q))
      best = { q: range.q, specificity, index: range.index };
  }
  return best;
}

/** True when `a` ranks strictly above `b`. */
function ranksAbove(a: Match, b: Match | undefined): boolean {
  if (!b || a.q !== b.q) return !b || a.q > b.q;
  if (a.specificity !== b.specificity) return a.specificity > b.specificity;
  return a.index < b.index;
}

/** Whether a request with this Accept header prefers text/html to every GraphQL JSON type. */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const ranges = parseAccept(accept);
  const html = bestMatch(ranges, 'text/html');
  if (!html || html.q <= 0) return false;
  return JSON_TYPES.every((type) => ranksAbove(html, bestMatch(ranges, type)));
}
