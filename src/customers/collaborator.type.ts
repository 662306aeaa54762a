/** T5: a customer's collaborator as the API shows it. */
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../users/user.type.js';
import type { CollaboratorAccess } from './customer.machine.js';

/** What a collaborator may do on a customer (T5). */
export enum CollaboratorAccessEnum {
  READ = 'READ',
  WRITE = 'WRITE',
}
registerEnumType(CollaboratorAccessEnum, {
  name: 'CollaboratorAccess',
  description: 'T5: what a collaborator (团队成员) may do on a customer; never own it (claim, abandon, transfer, apply).',
  valuesConfig: {
    READ: { description: 'Sees its details: contacts, follow-ups, contracts, applications, history (P8).' },
    WRITE: { description: 'Also adds and changes its contacts (F1) and logs its follow-ups (F2).' },
  },
});

/** A member of a customer's team; resolvers return `CollaboratorEntry`s for it. */
@ObjectType({ description: 'T5: a member of a customer’s team (团队成员): who, with which access, since when.' })
export class Collaborator {
  @Field(() => User, { description: 'The collaborator.' })
  user!: unknown;

  @Field(() => CollaboratorAccessEnum, { description: 'READ (sees its details) or WRITE (also adds contacts and follow-ups).' })
  access!: CollaboratorAccess;

  @Field(() => Date, { description: 'When they joined the team (a change of access keeps it).' })
  since!: Date;
}
