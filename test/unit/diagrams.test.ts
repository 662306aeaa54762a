import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { allWorkflowDescriptions, rulesMarkdown } from '../../src/catalogue.js';
import { workflowMarkdown } from '../../src/workflow/describe.js';

describe('generated docs', () => {
  it.each(allWorkflowDescriptions().map((d) => [d.name, d] as const))('should match the %s machine (run `npm run docs` after changing it)', (name, d) => {
    const committed = readFileSync(new URL(`../../docs/workflows/${name}.md`, import.meta.url), 'utf8');
    expect(workflowMarkdown(d)).toBe(committed);
  });

  it('should list every rule of every registry in docs/rules.md, linked to its file (run `npm run docs`)', () => {
    const committed = readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8');
    expect(rulesMarkdown(fileURLToPath(new URL('../..', import.meta.url)))).toBe(committed);
  });

  it('should never let formal lead to pool (P6) and give every timed state an exit on its deadline event', () => {
    const customer = allWorkflowDescriptions().find((d) => d.name === 'customer');
    expect(customer?.transitions.filter((t) => t.from === 'formal' && t.to === 'pool')).toEqual([]);
    for (const s of customer?.states.filter((x) => x.deadline) ?? []) {
      expect(
        customer?.transitions.some((t) => t.from === s.path && t.event === s.deadline?.event && t.to !== s.path),
        s.path,
      ).toBe(true);
    }
  });
});
