/**
 * N1: who is told what, as SQL over the records themselves: each rule selects the notifications
 * a set of history rows (one transition, or a batch the sweeper fired) or a sweep calls for, so
 * that a thousand expiries write their notifications in one statement, in the same transaction.
 * Texts are short, in Chinese and English, and name the customer.
 */
import { sql, type SQL } from 'drizzle-orm';
import {
  applications,
  complaints,
  contracts,
  customers,
  deadlineFailures,
  followUpPlans,
  notifications,
  transitions,
  users,
} from '../../platform/db/schema.js';
import { historyIdsParam } from '../../workflow/listeners.js';
import type { Executor } from '../../platform/db/client.js';
import { affectedRows } from '../../platform/db/sql.js';
import { reachesUser } from '../../users/department.service.js';

/** What a notification is about, named after its cause (the GraphQL enum NotificationKind). */
export const NOTIFICATION_KINDS = [
  'APPLICATION_SUBMITTED',
  'APPLICATION_DECIDED',
  'AUDIT_OVERDUE',
  'CUSTODY_ENDING',
  'CUSTODY_ENDED',
  'CUSTOMER_TRANSFERRED',
  'CONTRACT_CONFIRMED',
  'COMPLAINT_ASSIGNED',
  'FOLLOW_UP_DUE',
  'FOLLOW_UP_OVERDUE',
  'FOLLOW_UP_ESCALATED',
  'TRANSITION_STUCK',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** The columns every rule's select yields, in this order; `created_at` is the time of the cause (the engine's clock, not the database's). */
const COLUMNS = sql`(recipient_id, kind, subject_type, subject_id, customer_id, transition_id, once_key, text_zh, text_en, created_at)`;

/** Writes what a rule selects; a notification already given once (same once-key) is not repeated. Returns how many were written. */
export async function writeNotifications(executor: Executor, select: SQL): Promise<number> {
  return affectedRows(await executor.execute(sql`insert into ${notifications} ${COLUMNS} ${select} on conflict do nothing`));
}

const ids = historyIdsParam;
const step = (a: SQL) => sql`(${a} -> 'context' ->> 'step')::int`;
const kindZh = sql`case a.kind when 'PROTECTION' then '保护' when 'INTENT' then '意向' when 'EXTENSION' then '延期' when 'CREDIT' then '信用' else a.kind end`;
const kindEn = sql`lower(a.kind)`;

/** A1/A2: the holders of the step an application now waits for (once per step; not the applicant, not who decided already). */
export const applicationSubmitted = (historyIds: readonly number[]) => sql`
  select u.id, 'APPLICATION_SUBMITTED', 'application', a.id, a.customer_id, h.id, 'step:' || ${step(sql`a.snapshot`)},
    '新的' || ${kindZh} || '申请待您审核：' || c.name, 'A ' || ${kindEn} || ' application awaits your decision: ' || c.name, h.created_at
  from ${transitions} h
  join ${applications} a on a.id = h.entity_id
  join ${customers} c on c.id = a.customer_id
  join ${users} u on u.active and u.id <> a.applicant_id
    and (a.snapshot -> 'context' -> 'steps' -> ${step(sql`a.snapshot`)} ->> 'role') = any(u.roles)
    and not coalesce(a.snapshot -> 'context' -> 'deciders', '[]'::jsonb) @> to_jsonb(u.id::text)
  where h.id = any(${ids(historyIds)}) and a.state = 'pending'`;

/** A2/A3: the applicant, of the decision and its reason. */
export const applicationDecided = (historyIds: readonly number[]) => sql`
  select a.applicant_id, 'APPLICATION_DECIDED', 'application', a.id, a.customer_id, h.id, null,
    '您的' || ${kindZh} || '申请' || case h.to_state when 'approved' then '已通过：' else '被驳回：' end || c.name || coalesce('（' || h.reason || '）', ''),
    'Your ' || ${kindEn} || ' application was ' || h.to_state || ': ' || c.name || coalesce(' (' || h.reason || ')', ''), h.created_at
  from ${transitions} h
  join ${applications} a on a.id = h.entity_id
  join ${customers} c on c.id = a.customer_id
  where h.id = any(${ids(historyIds)}) and h.to_state in ('approved', 'rejected')`;

/** The custodian before a customer's transition (its history row records the change). */
const before = sql`(h.payload -> 'changes' -> 'custodianId' ->> 0)::uuid`;
const after = sql`(h.payload -> 'changes' -> 'custodianId' ->> 1)::uuid`;

/** P1/P2/P4: the former custodian of a customer whose term ran out or whose rejection lapsed. */
export const custodyEnded = (historyIds: readonly number[]) => sql`
  select ${before}, 'CUSTODY_ENDED', 'customer', c.id, c.id, h.id, null,
    '客户已回到公海：' || c.name || case h.event when 'REJECTION_LAPSED' then '（驳回后未重新提交）' else '（保护期已到）' end,
    'Customer returned to the pool: ' || c.name || case h.event when 'REJECTION_LAPSED' then ' (not resubmitted after rejection)' else ' (term ended)' end, h.created_at
  from ${transitions} h
  join ${customers} c on c.id = h.entity_id
  where h.id = any(${ids(historyIds)}) and ${before} is not null`;

/** P9: both people of a transfer. */
export const customerTransferred = (historyIds: readonly number[]) => sql`
  select r.recipient, 'CUSTOMER_TRANSFERRED', 'customer', c.id, c.id, h.id, null, r.zh || c.name, r.en || c.name, h.created_at
  from ${transitions} h
  join ${customers} c on c.id = h.entity_id
  cross join lateral (values (${before}, '客户已转给他人：', 'Customer transferred away from you: '),
                             (${after}, '客户已转交给您：', 'Customer transferred to you: ')) as r(recipient, zh, en)
  where h.id = any(${ids(historyIds)}) and r.recipient is not null`;

/** C2/P6: the customer's after-sales custodian, of a confirmed contract. */
export const contractConfirmed = (historyIds: readonly number[]) => sql`
  select c.custodian_id, 'CONTRACT_CONFIRMED', 'contract', k.id, c.id, h.id, null,
    '合同已确认：' || k.number || '（' || c.name || '），请跟进售后', 'Contract confirmed: ' || k.number || ' (' || c.name || '); after-sales is yours', h.created_at
  from ${transitions} h
  join ${contracts} k on k.id = h.entity_id
  join ${customers} c on c.id = k.customer_id
  where h.id = any(${ids(historyIds)}) and h.to_state = 'confirmed' and c.custodian_id is not null`;

/** V4: the handler of a complaint logged for them, or handed to them. */
export const complaintAssigned = (historyIds: readonly number[]) => sql`
  select k.handler_id, 'COMPLAINT_ASSIGNED', 'complaint', k.id, c.id, h.id, null,
    '新的客户投诉待您处理：' || c.name || '（' || k.subject || '）', 'A complaint is yours to handle: ' || c.name || ' (' || k.subject || ')', h.created_at
  from ${transitions} h
  join ${complaints} k on k.id = h.entity_id
  join ${customers} c on c.id = k.customer_id
  where h.id = any(${ids(historyIds)}) and k.handler_id is distinct from h.actor_id`;

/** F3/F6: the assignee of a follow-up plan that fell due or overdue; its escalation goes to every manager who reaches the custodian (T1). */
export const followUpPlanMoved = (historyIds: readonly number[]) => sql`
  select r.recipient, r.kind, 'customer', c.id, c.id, h.id, null, r.zh || c.name, r.en || c.name, h.created_at
  from ${transitions} h
  join ${followUpPlans} p on p.id = h.entity_id
  join ${customers} c on c.id = p.customer_id
  cross join lateral (
    select p.assignee_id, 'FOLLOW_UP_DUE', '今天该跟进：', 'Follow-up due today: ' where h.event = 'PLAN_DUE'
    union all select p.assignee_id, 'FOLLOW_UP_OVERDUE', '跟进已逾期：', 'Follow-up overdue: ' where h.event = 'PLAN_OVERDUE'
    union all select u.id, 'FOLLOW_UP_ESCALATED', '跟进逾期已上报：', 'Overdue follow-up escalated to you: '
      from ${users} u where h.event = 'PLAN_ESCALATED' and u.active and 'MANAGER' = any(u.roles) and ${reachesUser(sql`u.id`, sql`c.custodian_id`)}
  ) as r(recipient, kind, zh, en)
  where h.id = any(${ids(historyIds)}) and r.recipient is not null`;

/** P2/P4 warning: the custodian of each customer whose term ends within `warnBefore`, once per term (the time in the calendar's zone). */
export const custodyEnding = (now: Date, until: Date, timeZone: string) => sql`
  select c.custodian_id, 'CUSTODY_ENDING', 'customer', c.id, c.id, null::bigint, to_char(c.deadline_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    '客户即将回到公海：' || c.name || '（' || to_char(c.deadline_at at time zone ${timeZone}, 'MM-DD HH24:MI') || '）',
    'Customer leaves your custody soon: ' || c.name || ' (' || to_char(c.deadline_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC)',
    ${now.toISOString()}::timestamptz
  from ${customers} c
  where c.custodian_id is not null and c.deadline_at > ${now.toISOString()}::timestamptz and c.deadline_at <= ${until.toISOString()}::timestamptz`;

/** A5: every manager who reaches the applicant (T1), of each pending application made before `madeBefore` (past the SLA), once. */
export const auditOverdue = (madeBefore: Date, now: Date) => sql`
  select u.id, 'AUDIT_OVERDUE', 'application', a.id, a.customer_id, null::bigint, 'overdue',
    '审核已超时：' || c.name || '的' || ${kindZh} || '申请', 'Audit overdue: the ' || ${kindEn} || ' application for ' || c.name,
    ${now.toISOString()}::timestamptz
  from ${applications} a
  join ${customers} c on c.id = a.customer_id
  join ${users} u on u.active and 'MANAGER' = any(u.roles) and ${reachesUser(sql`u.id`, sql`a.applicant_id`)}
  where a.state = 'pending' and a.created_at < ${madeBefore.toISOString()}::timestamptz`;

/** A deadline the sweeper cannot fire (stuck): every administrator, once per failure. */
export const transitionStuck = (now: Date) => sql`
  select u.id, 'TRANSITION_STUCK', f.machine, f.entity_id,
    case f.machine when 'customer' then f.entity_id end, null::bigint, f.id::text,
    '流程卡住：' || f.machine || ' ' || f.entity_id || ' 的 ' || f.event || ' 无法执行', 'Stuck transition: ' || f.event || ' of ' || f.machine || ' ' || f.entity_id,
    ${now.toISOString()}::timestamptz
  from ${deadlineFailures} f
  join ${users} u on u.active and 'ADMIN' = any(u.roles)
  where f.resolved_at is null`;
