import type { TestApp } from './app.js';

export const CONTRACT_FIELDS = `id number state version total paidAmount outstandingAmount deliveryStatus lines { id description quantity unitPrice discount amount } payments { amount method } availableActions { event }`;

export const COMPLETE = {
  type: '销售合同',
  signDate: '2026-11-23',
  paymentMethod: 'BANK_TRANSFER',
  buyer: { name: '靖江市春意空调有限公司', address: '江苏省靖江市人民路88号', taxId: '91321282MA1XXXXX0A', contactName: '王建国', phone: '13912345678' },
  startDate: '2026-12-01',
  endDate: '2027-11-30',
  terms: '货到验收合格后30日内付款。',
  commitments: '赠送一年免费上门保养两次。',
};

/** A draft contract with every C2 field and one line of `amount` (default 1000.00). */
export async function draftContract(app: TestApp, customerId: string, token: string, unitPrice = '1000.00') {
  const reserved = await app.ok(`mutation($c: ID!) { reserveContract(customerId: $c) { id number } }`, { c: customerId }, token);
  const id = reserved.reserveContract.id as string;
  await app.ok(`mutation($id: ID!, $i: ContractInput!) { updateContract(id: $id, input: $i) { state } }`, { id, i: COMPLETE }, token);
  await app.ok(
    `mutation($id: ID!, $l: ContractLineInput!) { addContractLine(contractId: $id, input: $l) { id } }`,
    { id, l: { description: '中央空调机组', quantity: '1', unitPrice } },
    token,
  );
  return { id, number: reserved.reserveContract.number as string };
}
