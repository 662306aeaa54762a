import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { DepartmentNode } from './department.service.js';

/** T1: a department as the API shows it; its place in the tree is resolved from the whole tree. */
@ObjectType({
  description:
    'T1: a department. Departments form a tree under the root (总部); every user belongs to one. A manager whose scope is DEPARTMENT sees and acts on the customers of the users in their department’s subtree.',
})
export class Department {
  @Field(() => ID, { description: 'The department’s id (a UUID): use it as parentId, departmentId.' })
  id!: string;

  @Field(() => String, { description: 'Its name, unique among its siblings (not case-sensitive), e.g. 销售一部.' })
  name!: string;

  @Field(() => ID, { nullable: true, description: 'The department it belongs to; null for the root only.' })
  parentId!: string | null;

  @Field(() => Int, { description: 'How many users belong to this department itself (not counting its subdepartments).' })
  memberCount!: number;

  @Field(() => Date, { description: 'When the department was created.' })
  createdAt!: Date;

  @Field(() => Date, { description: 'When it was last renamed or moved.' })
  updatedAt!: Date;

  static from(row: DepartmentNode): Department {
    return Object.assign(new Department(), {
      id: row.id,
      name: row.name,
      parentId: row.parentId,
      memberCount: row.memberCount,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    });
  }
}

/** A new department (createDepartment). */
@InputType({
  description: 'T1: a new department. Problems are refused with BAD_USER_INPUT under their input path; a name its siblings already use with DUPLICATE.',
})
export class CreateDepartmentInput {
  @Field(() => String, { description: 'Its name (1–100 characters, trimmed), unique among its siblings.' })
  name!: string;

  @Field(() => ID, { nullable: true, description: 'The department it belongs to; the root when omitted.' })
  parentId?: string | null;
}

/** Changes to a department (updateDepartment). */
@InputType({ description: 'T1: changes to a department; only the fields given change. Departments are never deleted.' })
export class UpdateDepartmentInput {
  @Field(() => String, { nullable: true, description: 'A new name, unique among its siblings.' })
  name?: string | null;

  @Field(() => ID, {
    nullable: true,
    description:
      'Moves it (with its subtree) under this department. Under itself or one of its own subdepartments is refused: BAD_USER_INPUT on input.parentId.',
  })
  parentId?: string | null;
}
