import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parse, print, visit } from 'graphql';
import { describe, expect, it } from 'vitest';

/** One problem as graphql-schema-linter's JSON formatter reports it. */
interface LintError {
  message: string;
  rule: string;
  location: { line: number; column: number; file: string };
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = createRequire(import.meta.url).resolve('graphql-schema-linter/lib/cli.js');
const committed = readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8');

/** Runs the linter's CLI as a developer would, with the rules of `.graphql-schema-linterrc`. */
function lint(stdin?: string): { status: number | null; errors: LintError[] } {
  const args = [cli, '--format', 'json', ...(stdin === undefined ? [] : ['--stdin'])];
  const run = spawnSync(process.execPath, args, { cwd: root, input: stdin, encoding: 'utf8', timeout: 30_000 });
  const output: { errors: LintError[] } = JSON.parse(run.stdout || '{"errors":[]}');
  return { status: run.status, errors: output.errors };
}

/** The committed SDL with the description of one field removed. */
function withoutDescriptionOf(typeName: string, fieldName: string): string {
  const ast = visit(parse(committed), {
    ObjectTypeDefinition: (node) =>
      node.name.value === typeName
        ? { ...node, fields: node.fields?.map((f) => (f.name.value === fieldName ? { ...f, description: undefined } : f)) }
        : undefined,
  });
  return print(ast);
}

describe('schema/schema.graphql', () => {
  describe('graphql-schema-linter', () => {
    it('should pass the description, Relay and naming rules', () => {
      const { status, errors } = lint();
      expect(errors.map((e) => `${e.location.line}: ${e.message} (${e.rule})`)).toEqual([]);
      expect(status).toBe(0);
    });

    it('should report a field without a description', () => {
      const sdl = withoutDescriptionOf('Customer', 'tradeName');
      const { status, errors } = lint(sdl);
      expect(status).toBe(1);
      expect(errors).toEqual([expect.objectContaining({ rule: 'fields-have-descriptions', message: expect.stringContaining('Customer.tradeName') })]);
    });
  });
});
