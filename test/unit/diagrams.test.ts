import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allWorkflowDescriptions } from '../../src/catalogue.js';
import { workflowMarkdown } from '../../src/workflow/describe.js';

describe('docs/workflows', () => {
  it.each(allWorkflowDescriptions().map((d) => [d.name, d] as const))('should match the %s machine (run `npm run diagrams` after changing it)', (name, d) => {
    const committed = readFileSync(new URL(`../../docs/workflows/${name}.md`, import.meta.url), 'utf8');
    expect(workflowMarkdown(d)).toBe(committed);
  });

  it('should never let formal lead to pool (P6) and give every timed state an exit on its deadline event', () => {
    const customer = allWorkflowDescriptions().find((d) => d.name === 'customer');
    expect(customer?.transitions.filter((t) => t.from === 'formal' && t.to === 'pool')).toEqual([]);
    for (const s of customer?.states.filter((x) => x.deadline) ?? []) {
      expect(customer?.transitions.some((t) => t.from === s.path && t.event === s.deadline?.event && t.to !== s.path), s.path).toBe(true);
    }
  });
});
