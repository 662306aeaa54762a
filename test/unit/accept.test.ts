import { describe, expect, it } from 'vitest';
import { prefersHtml } from '../../src/platform/http/accept.js';

describe('prefersHtml (who gets the explorer at / and /graphql)', () => {
  it.each([
    ['text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8', 'Chromium'],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'Firefox'],
    ['text/html', 'curl -H "Accept: text/html"'],
    ['text/html, application/json', 'HTML listed first at the same quality'],
    ['application/json;q=0.5, text/html', 'HTML of higher quality'],
    ['text/*', 'any text, and no JSON'],
  ])('should be true for %s (%s)', (accept) => {
    expect(prefersHtml(accept)).toBe(true);
  });

  it.each([
    [undefined, 'no Accept'],
    ['', 'an empty Accept'],
    ['*/*', 'curl, fetch'],
    ['application/json', 'API clients'],
    ['application/graphql-response+json, application/json;q=0.9', 'GraphQL over HTTP clients'],
    ['application/json, text/html', 'JSON listed first at the same quality'],
    ['text/html;q=0', 'HTML refused'],
    ['application/json, text/html;q=0.9', 'JSON of higher quality'],
    ['text/html;q=0.5, application/*', 'a JSON range of higher quality'],
    ['garbage', 'an unparsable header'],
  ])('should be false for %s (%s)', (accept: string | undefined, _why: string) => {
    expect(prefersHtml(accept)).toBe(false);
  });
});
