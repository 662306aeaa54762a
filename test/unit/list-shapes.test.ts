/**
 * Issue 14: a list reads the columns the asked fields need (list-shapes.ts). A client decides
 * which fields it asks for, so it must not be able to make the server prepare an unbounded number
 * of statements, nor get a narrow row for a field whose columns the plan does not name.
 */
import { describe, expect, it } from 'vitest';
import { contacts } from '../../src/platform/db/schema.js';
import { FULL, listShapes, MAX_SHAPES } from '../../src/platform/db/list-shapes.js';

const FIELDS = ['id', 'name', 'title', 'mobile', 'landline', 'state'] as const;
const plan = () => listShapes(contacts, { base: ['customerId'], fields: Object.fromEntries(FIELDS.map((f) => [f, [f]])) });

/** The select list of a shape's statement, as text. */
function selectList(shapes: ReturnType<typeof plan>, fields: string[]): string {
  const statement = shapes.statements((shape) => ({ getSQL: () => shape.selectList }));
  return statement(shapes.shapeFor(new Set(fields))).sql;
}

describe('list shapes', () => {
  it('should read the base and the asked fields’ columns, whatever order they are asked in, and ignore __typename', () => {
    const shapes = plan();
    expect(selectList(shapes, ['mobile', 'name', '__typename'])).toBe(
      '"contacts"."customer_id" as "customerId", "contacts"."mobile" as "mobile", "contacts"."name" as "name"',
    );
    expect(shapes.shapeFor(new Set(['name', 'mobile']))).toBe(shapes.shapeFor(new Set(['mobile', 'name'])));
  });

  it('should read every column for a field the plan does not name', () => {
    const shapes = plan();
    expect(shapes.shapeFor(new Set(['name', 'note']))).toBe(FULL);
    expect(selectList(shapes, ['name', 'note'])).toContain('"contacts"."note" as "note"');
    // A name on Object.prototype is not a field of the plan.
    expect(shapes.shapeFor(new Set(['constructor']))).toBe(FULL);
  });

  it(`should keep at most ${MAX_SHAPES} narrow shapes, and read every column past them`, () => {
    const shapes = plan();
    const made = new Set<string>();
    // Every subset of the six fields: 64 combinations, more than the bound.
    for (let mask = 0; mask < 1 << FIELDS.length; mask += 1) {
      made.add(shapes.shapeFor(new Set(FIELDS.filter((_, i) => mask & (1 << i)))));
    }
    made.delete(FULL);
    expect(made.size).toBe(MAX_SHAPES);
    // Shapes made before the bound keep answering.
    expect(shapes.shapeFor(new Set([]))).not.toBe(FULL);
  });

  it('should give the order’s column with `also`, in the key as in the select list', () => {
    const shapes = plan();
    const shape = shapes.shapeFor(new Set(['name']), ['title']);
    expect(shape).not.toBe(shapes.shapeFor(new Set(['name'])));
    expect(shapes.get(shape).selectList).toBeDefined();
    expect(() => shapes.get('no such shape')).toThrow(/unknown list shape/);
  });
});
