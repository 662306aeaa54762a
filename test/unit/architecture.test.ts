/**
 * The structure rules of docs/architecture.md ("Layout: features on a platform") and
 * docs/style.md, executable, over every .ts file under src/ (parsed with the TypeScript compiler):
 *
 * - [file-size]      no file over 350 lines;
 * - [function-size]  no function body (declaration, method, arrow, function expression,
 *                    constructor, accessor) over 80 lines, from the line of `{` to that of `}`;
 * - [casts]          at most 5 `as never` plus `as unknown as` in all of src/, and
 *   [cast-comment]   each with a comment on its line or the line above saying why;
 * - [import-extension] relative imports end in `.js` (or name the file, e.g. `.json`);
 * - [layering]       every file is in a layer; platform imports only platform; workflow imports
 *                    platform and workflow; a feature imports platform, workflow, itself and
 *                    other features' *public* modules (defined below); only the composition root
 *                    imports the composition root;
 * - [import-cycle]   no cycle between files (type-only imports count: a cycle of types is still
 *                    a knot in the design).
 *
 * Every message starts with `file:line [rule]` so a developer knows where to look and what to fix.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const MAX_FILE_LINES = 350;
const MAX_FUNCTION_LINES = 80;
const MAX_CASTS = 5;

const FEATURES = [
  'users',
  'customers',
  'applications',
  'contracts',
  'designer',
  'notifications',
  'webhooks',
  'transfer-files',
  'reports',
  'value',
  'complaints',
] as const;

/** The composition root: it wires the layers, so it may import anything and nothing may import it. */
const COMPOSITION_ROOT = ['src/app.ts', 'src/main.ts', 'src/services.ts', 'src/services.parts.ts', 'src/schema.ts', 'src/catalogue.ts'];
const COMPOSITION_ROOT_DIRS = ['src/demo/'];

/**
 * A feature's *public* modules, the only ones another feature may import:
 * - `<feature>/<name>.service.ts` (its use cases), `<name>.type.ts` (its GraphQL object types, for
 *   fields that point at it) and `<name>.loaders.ts` (its per-request DataLoaders), directly in the
 *   feature folder;
 * - `<feature>/<name>.machine.ts`, for types only (`import type`): the machine is the feature's own;
 * - the rule files below, each with the reason another feature needs it.
 * Everything else (resolvers, inputs, validation, workflows, other rules) is the feature's internals.
 */
const PUBLIC_SUFFIXES = ['.service.ts', '.type.ts', '.loaders.ts'];
const TYPE_ONLY_PUBLIC_SUFFIXES = ['.machine.ts'];
const PUBLIC_RULES: Record<string, string> = {
  'src/customers/rules/e1-trade-name.ts': "E1: P1's audit checklist compares trade names derived exactly as customers store them",
  'src/customers/rules/e5-formats.ts': "E5: a contract's buyer phone is normalised exactly as a customer's contact phone",
  'src/customers/rules/p8-custodian-sees-details.ts':
    'P8: the roles that see every customer’s details also see every contract (contracts are customer details)',
};

interface SourceFile {
  /** Relative to the repository, with forward slashes: `src/users/user.service.ts`. */
  path: string;
  ast: ts.SourceFile;
}

interface Import {
  from: SourceFile;
  line: number;
  specifier: string;
  /** The imported file relative to the repository, or undefined for a package. */
  target: string | undefined;
  typeOnly: boolean;
}

function parse(path: string, text: string): SourceFile {
  return { path, ast: ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true) };
}

function loadSources(): SourceFile[] {
  const files = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
    .map((f) => posix.join('src', f.split('\\').join('/')))
    .filter((f) => f.endsWith('.ts'))
    .sort();
  return files.map((path) => parse(path, readFileSync(join(ROOT, path), 'utf8')));
}

const onDisk = (path: string) => existsSync(join(ROOT, path));

function lineOf(file: SourceFile, pos: number): number {
  return file.ast.getLineAndCharacterOfPosition(pos).line + 1;
}

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

/** `./x.js` is the file `./x.ts` (NodeNext); JSON and other files keep their name; `./x` (wrong, but resolved) is `./x.ts`. */
function resolveSpecifier(from: string, specifier: string, exists: (path: string) => boolean): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const path = posix.normalize(posix.join(posix.dirname(from), specifier));
  const candidates = [path.replace(/\.js$/u, '.ts'), `${path}.ts`, path];
  return candidates.find(exists) ?? path;
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return !clause.name && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

/** Static imports, re-exports, `import()` calls and `import('…')` types. */
function importsOf(file: SourceFile, exists: (path: string) => boolean = onDisk): Import[] {
  const found: Import[] = [];
  const add = (node: ts.Node, literal: ts.Expression | undefined, typeOnly: boolean) => {
    if (!literal || !ts.isStringLiteralLike(literal)) return;
    found.push({
      from: file,
      line: lineOf(file, node.getStart()),
      specifier: literal.text,
      target: resolveSpecifier(file.path, literal.text, exists),
      typeOnly,
    });
  };
  walk(file.ast, (node) => {
    if (ts.isImportDeclaration(node)) add(node, node.moduleSpecifier, isTypeOnlyImport(node));
    else if (ts.isExportDeclaration(node)) add(node, node.moduleSpecifier, node.isTypeOnly);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node, node.arguments[0], false);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node, node.argument.literal, true);
  });
  return found;
}

type Layer = { kind: 'root' } | { kind: 'platform' } | { kind: 'workflow' } | { kind: 'feature'; name: string } | { kind: 'outside' };

function layerOf(path: string): Layer {
  if (COMPOSITION_ROOT.includes(path) || COMPOSITION_ROOT_DIRS.some((d) => path.startsWith(d))) return { kind: 'root' };
  const [top, first] = path.split('/');
  if (top !== 'src') return { kind: 'outside' };
  if (first === 'platform') return { kind: 'platform' };
  if (first === 'workflow') return { kind: 'workflow' };
  const feature = FEATURES.find((f) => f === first);
  return feature ? { kind: 'feature', name: feature } : { kind: 'outside' };
}

function isPublicFeatureModule(target: string, typeOnly: boolean): boolean {
  if (target in PUBLIC_RULES) return true;
  if (target.split('/').length !== 3) return false;
  return PUBLIC_SUFFIXES.some((s) => target.endsWith(s)) || (typeOnly && TYPE_ONLY_PUBLIC_SUFFIXES.some((s) => target.endsWith(s)));
}

/** Why this import breaks the layering, or undefined when it is allowed. */
function layeringProblem(imp: Import): string | undefined {
  if (imp.target === undefined) return undefined;
  const from = layerOf(imp.from.path);
  const to = layerOf(imp.target);
  if (from.kind === 'root') return undefined;
  if (to.kind === 'outside') return `src imports nothing outside src's layers (imports ${imp.target})`;
  if (to.kind === 'root') return `only the composition root imports the composition root (imports ${imp.target})`;
  if (from.kind === 'platform') return to.kind === 'platform' ? undefined : `src/platform imports only src/platform (imports ${imp.target})`;
  if (from.kind === 'workflow') {
    return to.kind === 'platform' || to.kind === 'workflow' ? undefined : `src/workflow imports only src/platform and src/workflow (imports ${imp.target})`;
  }
  if (from.kind === 'feature' && to.kind === 'feature' && to.name !== from.name && !isPublicFeatureModule(imp.target, imp.typeOnly)) {
    return `a feature imports another feature's public modules only (${imp.target} is internal to ${to.name}; see PUBLIC_* in this test)`;
  }
  return undefined;
}

/** Each strongly connected component of the file graph with more than one file, as one concrete cycle. */
function importCycles(sources: readonly SourceFile[], imports: readonly Import[]): Import[][] {
  const edges = new Map<string, Import[]>();
  for (const imp of imports) {
    if (imp.target === undefined || !imp.target.endsWith('.ts')) continue;
    edges.set(imp.from.path, [...(edges.get(imp.from.path) ?? []), imp]);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const components: string[][] = [];
  const connect = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node) ?? 0);
    stack.push(node);
    for (const { target } of edges.get(node) ?? []) {
      if (target === undefined) continue;
      if (!index.has(target)) {
        connect(target);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(target) ?? 0));
      } else if (stack.includes(target)) low.set(node, Math.min(low.get(node) ?? 0, index.get(target) ?? 0));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (let top = stack.pop(); top !== undefined; top = top === node ? undefined : stack.pop()) component.push(top);
    const selfLoop = (edges.get(node) ?? []).some((e) => e.target === node);
    if (component.length > 1 || selfLoop) components.push(component.sort());
  };
  for (const file of sources) if (!index.has(file.path)) connect(file.path);
  return components.map((component) => cycleWithin(component, edges));
}

/** A shortest path from the component's first file back to itself, through the component only. */
function cycleWithin(component: string[], edges: Map<string, Import[]>): Import[] {
  const start = component[0] ?? '';
  const via = new Map<string, Import>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const imp of edges.get(queue[i] ?? '') ?? []) {
      const target = imp.target ?? '';
      if (!component.includes(target) || via.has(target)) continue;
      via.set(target, imp);
      if (target === start) queue.length = i + 1;
      else queue.push(target);
    }
  }
  const path: Import[] = [];
  for (let imp = via.get(start); imp && path.length <= component.length; imp = imp.from.path === start ? undefined : via.get(imp.from.path)) path.unshift(imp);
  return path;
}

type FunctionLike =
  ts.FunctionDeclaration | ts.MethodDeclaration | ts.ArrowFunction | ts.FunctionExpression | ts.ConstructorDeclaration | ts.AccessorDeclaration;

function isFunctionLike(node: ts.Node): node is FunctionLike {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isArrowFunction(node) ||
    ts.isFunctionExpression(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  );
}

function functionName(node: FunctionLike): string {
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (node.name) return node.name.getText();
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) return parent.name.getText();
  return '(anonymous)';
}

/** `x as never` and `x as unknown as T`: each silences the type checker. */
function isSilencingCast(node: ts.Node): node is ts.AsExpression {
  if (!ts.isAsExpression(node)) return false;
  if (node.type.kind === ts.SyntaxKind.NeverKeyword) return true;
  return ts.isAsExpression(node.expression) && node.expression.type.kind === ts.SyntaxKind.UnknownKeyword;
}

/** The lines (1-based) on which a comment stands: the trivia around every token, so strings never count. */
function commentLines(file: SourceFile): Set<number> {
  const lines = new Set<number>();
  const text = file.ast.text;
  const visit = (node: ts.Node) => {
    for (const range of [...(ts.getLeadingCommentRanges(text, node.pos) ?? []), ...(ts.getTrailingCommentRanges(text, node.end) ?? [])]) {
      for (let l = lineOf(file, range.pos); l <= lineOf(file, range.end); l++) lines.add(l);
    }
    for (const child of node.getChildren(file.ast)) visit(child);
  };
  visit(file.ast);
  return lines;
}

/** The silencing casts of a file, each with whether a comment on its line or the line above says why. */
function castsOf(file: SourceFile): { at: string; commented: boolean }[] {
  const comments = commentLines(file);
  const found: { at: string; commented: boolean }[] = [];
  walk(file.ast, (node) => {
    if (!isSilencingCast(node)) return;
    const unknownOrNever = ts.isAsExpression(node.expression) && node.type.kind !== ts.SyntaxKind.NeverKeyword ? node.expression.type : node.type;
    const line = lineOf(file, unknownOrNever.getStart());
    found.push({ at: `${file.path}:${line}`, commented: comments.has(line) || comments.has(line - 1) });
  });
  return found;
}

function fileSizeViolations(files: readonly SourceFile[]): string[] {
  return files.flatMap((f) => {
    const lines = f.ast.getLineStarts().length;
    return lines > MAX_FILE_LINES ? [`${f.path}:${lines} [file-size] ${lines} lines, at most ${MAX_FILE_LINES}: split it by role`] : [];
  });
}

function functionSizeViolations(files: readonly SourceFile[]): string[] {
  const violations: string[] = [];
  for (const file of files) {
    walk(file.ast, (node) => {
      if (!isFunctionLike(node) || !node.body) return;
      const first = lineOf(file, node.body.getStart());
      const lines = lineOf(file, node.body.getEnd()) - first + 1;
      if (lines > MAX_FUNCTION_LINES)
        violations.push(`${file.path}:${first} [function-size] ${functionName(node)} spans ${lines} lines, at most ${MAX_FUNCTION_LINES}`);
    });
  }
  return violations;
}

function uncommentedCastViolations(casts: readonly { at: string; commented: boolean }[]): string[] {
  return casts.flatMap((c) => (c.commented ? [] : [`${c.at} [cast-comment] say why this cast is needed, on this line or the one above`]));
}

function extensionViolations(imports: readonly Import[]): string[] {
  return imports
    .filter((i) => i.specifier.startsWith('.') && !/\.(js|json)$/u.test(i.specifier))
    .map((i) => `${i.from.path}:${i.line} [import-extension] '${i.specifier}' must end in .js`);
}

function layeringViolations(imports: readonly Import[]): string[] {
  return imports.flatMap((imp) => {
    const why = layeringProblem(imp);
    return why ? [`${imp.from.path}:${imp.line} [layering] ${why}`] : [];
  });
}

function cycleViolations(files: readonly SourceFile[], imports: readonly Import[]): string[] {
  return importCycles(files, imports).map((cycle) => {
    const first = cycle[0];
    const start = first?.from.path ?? '?';
    return `${start}:${first?.line ?? 0} [import-cycle] ${cycle.map((i) => `${i.from.path}:${i.line}`).join(' → ')} → back to ${start}`;
  });
}

describe('architecture', () => {
  const sources = loadSources();
  const imports = sources.flatMap((f) => importsOf(f));
  const casts = sources.flatMap(castsOf);

  describe('size', () => {
    it(`should keep every file under src/ at ${MAX_FILE_LINES} lines or fewer`, () => {
      expect(fileSizeViolations(sources)).toEqual([]);
    });

    it(`should keep every function body at ${MAX_FUNCTION_LINES} lines or fewer`, () => {
      expect(functionSizeViolations(sources)).toEqual([]);
    });
  });

  describe('casts', () => {
    it(`should have at most ${MAX_CASTS} \`as never\` / \`as unknown as\` in all of src/`, () => {
      expect(
        casts.length,
        `[casts] ${casts.length} silencing casts, at most ${MAX_CASTS}: type them instead\n${casts.map((c) => c.at).join('\n')}`,
      ).toBeLessThanOrEqual(MAX_CASTS);
    });

    it('should say why beside each of them (a comment on the same or the previous line)', () => {
      expect(uncommentedCastViolations(casts)).toEqual([]);
    });
  });

  describe('imports', () => {
    it('should end every relative import in .js (or name the file, e.g. .json)', () => {
      expect(extensionViolations(imports)).toEqual([]);
    });

    it('should place every file under src/ in a layer', () => {
      expect(
        sources
          .filter((f) => layerOf(f.path).kind === 'outside')
          .map((f) => `${f.path}:1 [layering] not in platform/, workflow/, a feature or the composition root`),
      ).toEqual([]);
    });

    it('should import only downward: platform ← workflow ← features (public modules across features) ← composition root', () => {
      expect(layeringViolations(imports)).toEqual([]);
    });

    it('should keep every public rule file in the allow-list present', () => {
      expect(Object.keys(PUBLIC_RULES).filter((p) => !onDisk(p))).toEqual([]);
    });

    it('should have no import cycles between files', () => {
      expect(cycleViolations(sources, imports)).toEqual([]);
    });
  });

  describe('the checks themselves', () => {
    const a = parse(
      'src/users/a.ts',
      [
        "import { b } from './b.js';",
        "import type { W } from '../customers/customer.workflow.js';",
        "import { s } from '../services.js';",
        'export const a = b as never;',
      ].join('\n'),
    );
    const b = parse(
      'src/users/b.ts',
      [
        "import { a } from './a';",
        '// the wire format is a number',
        'export const b = a as unknown as number;',
        "const s = '// not a comment'; const t = s as never;",
      ].join('\n'),
    );
    const known = new Set(['src/users/a.ts', 'src/users/b.ts', 'src/customers/customer.workflow.ts', 'src/services.ts']);
    const fakeImports = [a, b].flatMap((f) => importsOf(f, (p) => known.has(p)));

    it('should report each rule with file, line and rule', () => {
      expect(uncommentedCastViolations([a, b].flatMap(castsOf))).toEqual([
        'src/users/a.ts:4 [cast-comment] say why this cast is needed, on this line or the one above',
        'src/users/b.ts:4 [cast-comment] say why this cast is needed, on this line or the one above',
      ]);
      expect(extensionViolations(fakeImports)).toEqual(["src/users/b.ts:1 [import-extension] './a' must end in .js"]);
      expect(layeringViolations(fakeImports)).toEqual([
        "src/users/a.ts:2 [layering] a feature imports another feature's public modules only (src/customers/customer.workflow.ts is internal to customers; see PUBLIC_* in this test)",
        'src/users/a.ts:3 [layering] only the composition root imports the composition root (imports src/services.ts)',
      ]);
      expect(cycleViolations([a, b], fakeImports)).toEqual(['src/users/a.ts:1 [import-cycle] src/users/a.ts:1 → src/users/b.ts:1 → back to src/users/a.ts']);
    });

    it('should measure a function by its body', () => {
      // From the line of `{` to the line of `}`.
      const body = Array.from({ length: MAX_FUNCTION_LINES - 2 }, (_, i) => `  const x${i} = ${i};`);
      const fits = parse('src/users/fits.ts', ['export function fits() {', ...body, '}'].join('\n'));
      const over = parse('src/users/over.ts', ['export const over = () => {', ...body, '  return 0;', '};'].join('\n'));
      expect(functionSizeViolations([fits, over])).toEqual([
        `src/users/over.ts:1 [function-size] over spans ${MAX_FUNCTION_LINES + 1} lines, at most ${MAX_FUNCTION_LINES}`,
      ]);
    });
  });
});
