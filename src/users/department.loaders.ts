/** Per-request DataLoaders of departments (made through `ctx.scope.use`). */
import DataLoader from 'dataloader';
import type { DepartmentNode, DepartmentService } from './department.service.js';

/** The whole tree, read once per request (departments are few): by id and by parent. */
export interface DepartmentTree {
  byId: Map<string, DepartmentNode>;
  children: Map<string, DepartmentNode[]>;
}

export const departmentLoaders = (s: { departments: DepartmentService }) => ({
  tree: new DataLoader<'all', DepartmentTree>(async (keys) => {
    const all = await s.departments.all();
    const tree: DepartmentTree = { byId: new Map(all.map((d) => [d.id, d])), children: new Map() };
    for (const d of all) if (d.parentId) tree.children.set(d.parentId, [...(tree.children.get(d.parentId) ?? []), d]);
    return keys.map(() => tree);
  }),
});
