import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { PHASES } from '../../../src/workflow/validation/check.js';
import { workflowChecks } from '../../../src/workflow/validation/workflow-checks.js';
import { isObject } from '../../../src/workflow/validation/json.js';

const checksDir = new URL('../../../src/workflow/validation/checks/', import.meta.url);
const checkFiles = readdirSync(checksDir).filter((f) => f.endsWith('.ts'));
const testFiles = readdirSync(new URL('./', import.meta.url)).filter((f) => f.endsWith('.test.ts'));

describe('workflow-checks registry', () => {
  describe('one home per rule', () => {
    it.each(checkFiles)('should list the one check %s exports, once, under its file name', async (file) => {
      const exported: unknown = await import(new URL(file, checksDir).href);
      const checks = isObject(exported) ? Object.values(exported) : [];
      expect(checks).toHaveLength(1);
      const listed = workflowChecks.filter((c) => c === checks[0]);
      expect(listed).toHaveLength(1);
      expect(listed[0]?.name).toBe(file.replace(/\.ts$/, ''));
    });

    it('should list no check without a file, and no name twice', () => {
      expect(workflowChecks.map((c) => `${c.name}.ts`).sort()).toEqual([...checkFiles].sort());
      expect(new Set(workflowChecks.map((c) => c.name)).size).toBe(workflowChecks.length);
    });

    it('should have a test file for every check', () => {
      expect(workflowChecks.map((c) => `${c.name}.test.ts`).filter((f) => !testFiles.includes(f))).toEqual([]);
    });
  });

  describe('order', () => {
    it('should list the checks in the order of their phases, shape checks first', () => {
      const phases = workflowChecks.map((c) => PHASES.indexOf(c.phase));
      expect(phases).toEqual([...phases].sort((a, b) => a - b));
      expect(workflowChecks[0]?.phase).toBe('shape');
    });

    it('should describe every check to designers in a sentence', () => {
      for (const check of workflowChecks) expect(check.description).toMatch(/^\S.*\.$/);
    });
  });
});
