import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { viewerOf, type Context } from '../platform/graphql/context.js';
import { departmentLoaders, type DepartmentTree } from './department.loaders.js';
import type { DepartmentService } from './department.service.js';
import { CreateDepartmentInput, Department, UpdateDepartmentInput } from './department.type.js';
import type { UserService } from './user.service.js';
import { User } from './user.type.js';

/** The services these resolvers use, injected by the composition root (src/schema.ts). */
export interface DepartmentResolverServices {
  departments: DepartmentService;
  users: UserService;
}

function node(tree: DepartmentTree, id: string | null): Department | null {
  const found = id ? tree.byId.get(id) : undefined;
  return found ? Department.from(found) : null;
}

/** T1: the department tree and who belongs where (ADMIN). */
@Resolver(() => Department)
export class DepartmentResolver {
  constructor(private readonly services: DepartmentResolverServices) {}

  private tree(ctx: Context): Promise<DepartmentTree> {
    return ctx.scope.use(departmentLoaders, this.services).tree.load('all');
  }

  @Authorized('ADMIN')
  @Query(() => [Department], {
    description: 'T1: every department, by name; build the tree from parentId (or follow children from the root, whose parentId is null). ADMIN only.',
  })
  async departments(@Ctx() ctx: Context): Promise<Department[]> {
    return (await this.services.departments.list(viewerOf(ctx))).map(Department.from);
  }

  @Authorized('ADMIN')
  @Query(() => Department, { description: 'T1: one department; an unknown id is NOT_FOUND. ADMIN only.' })
  async department(@Arg('id', () => ID, { description: 'The department’s id.' }) id: string, @Ctx() ctx: Context): Promise<Department> {
    return Department.from(await this.services.departments.get(viewerOf(ctx), id));
  }

  @Authorized('ADMIN')
  @Mutation(() => Department, { description: 'T1: creates a department under another (the root by default). ADMIN only.' })
  async createDepartment(
    @Arg('input', () => CreateDepartmentInput, { description: 'The department to create.' }) input: CreateDepartmentInput,
    @Ctx() ctx: Context,
  ): Promise<Department> {
    const row = await this.services.departments.create(viewerOf(ctx), input);
    return Department.from({ ...row, memberCount: 0 });
  }

  @Authorized('ADMIN')
  @Mutation(() => Department, {
    description:
      'T1: renames a department or moves it, with its subtree, under another. Moving it under itself or its own subtree is BAD_USER_INPUT (input.parentId); an unknown id NOT_FOUND. ADMIN only.',
  })
  async updateDepartment(
    @Arg('id', () => ID, { description: 'The department to change.' }) id: string,
    @Arg('input', () => UpdateDepartmentInput, { description: 'The changes; only the fields given change.' }) input: UpdateDepartmentInput,
    @Ctx() ctx: Context,
  ): Promise<Department> {
    const row = await this.services.departments.update(viewerOf(ctx), id, input);
    return Department.from(await this.services.departments.get(viewerOf(ctx), row.id));
  }

  @Authorized('ADMIN')
  @Mutation(() => User, {
    description: 'T1: moves a user to another department; the managers whose subtree they leave or join see the change at once. ADMIN only.',
  })
  async moveUser(
    @Arg('userId', () => ID, { description: 'The user to move.' }) userId: string,
    @Arg('departmentId', () => ID, { description: 'The department they now belong to.' }) departmentId: string,
    @Ctx() ctx: Context,
  ): Promise<User> {
    return User.from(await this.services.users.moveUser(viewerOf(ctx), userId, departmentId));
  }

  @FieldResolver(() => Department, { nullable: true, description: 'The department it belongs to; null for the root.' })
  async parent(@Root() d: Department, @Ctx() ctx: Context): Promise<Department | null> {
    return node(await this.tree(ctx), d.parentId);
  }

  @FieldResolver(() => [Department], { description: 'Its direct subdepartments, by name.' })
  async children(@Root() d: Department, @Ctx() ctx: Context): Promise<Department[]> {
    return ((await this.tree(ctx)).children.get(d.id) ?? []).map(Department.from);
  }

  @FieldResolver(() => [Department], { description: 'Its ancestors, the root first and its parent last (empty for the root): a breadcrumb.' })
  async path(@Root() d: Department, @Ctx() ctx: Context): Promise<Department[]> {
    const tree = await this.tree(ctx);
    const path: Department[] = [];
    const seen = new Set<string>([d.id]);
    for (let at = node(tree, d.parentId); at && !seen.has(at.id); at = node(tree, at.parentId)) {
      seen.add(at.id);
      path.unshift(at);
    }
    return path;
  }
}

/** T1: the department a user belongs to. */
@Resolver(() => User)
export class UserDepartmentResolver {
  constructor(private readonly services: DepartmentResolverServices) {}

  @FieldResolver(() => Department, { description: 'T1: the department the user belongs to (the root, 总部, unless moved).' })
  async department(@Root() user: User, @Ctx() ctx: Context): Promise<Department> {
    const tree = await ctx.scope.use(departmentLoaders, this.services).tree.load('all');
    const found = node(tree, user.departmentId);
    if (!found) throw new Error(`department ${user.departmentId} vanished`);
    return found;
  }
}
