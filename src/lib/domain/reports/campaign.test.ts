import { describe, expect, it } from 'vitest';
import type { Consent, Customer } from '../customer';
import { campaignCsv, campaignRecord, leftOutSummary, readCampaignRecord, selectForCampaign } from './campaign';

const granted: Consent = { status: 'granted', date: '2025-01-01T00:00:00Z', source: 'till', recordedBy: 'Till' };
const withdrawn: Consent = { status: 'withdrawn', date: '2025-02-01T00:00:00Z', source: 'till', recordedBy: 'Till' };

type C = Pick<Customer, 'id' | 'firstName' | 'lastName' | 'email' | 'phone' | 'consents'>;
const c = (id: string, over: Partial<C>): C => ({ id, firstName: id, lastName: 'X', email: '', phone: '', consents: {}, ...over });

const MEMBERS: C[] = [
	c('ann', { lastName: 'Zed', email: 'ann@example.com', phone: '+447700900001', consents: { email: granted, sms: granted } }),
	c('bob', { lastName: 'Able', email: 'bob@example.com', consents: { email: granted, sms: granted } }),
	c('cat', { email: 'cat@example.com', phone: '+447700900003', consents: { email: withdrawn, sms: granted } }),
	c('dan', { email: 'dan@example.com', phone: '+447700900004' }),
	c('eve', { consents: { email: granted } }),
	c('fay', { email: 'fay@example.com', consents: { email: granted, post: granted } })
];

describe('campaign selection', () => {
	it('keeps only members with a current consent and an address for email', () => {
		const sel = selectForCampaign(MEMBERS, 'email');
		expect(sel.rows.map((r) => r.contact)).toEqual(['bob@example.com', 'fay@example.com', 'ann@example.com']);
		expect(sel.leftOut).toEqual({ 'consent-withdrawn': 1, 'no-consent': 1, 'no-contact': 1 });
		expect(sel.total).toBe(6);
		expect(leftOutSummary(sel.leftOut, 'email')).toBe('3 left out: 1 email consent withdrawn, 1 no email consent, 1 consent but no email address');
	});

	it('keeps only members with a current SMS consent and a number for SMS', () => {
		const sel = selectForCampaign([...MEMBERS, MEMBERS[0]], 'sms');
		expect(sel.rows.map((r) => r.contact)).toEqual(['+447700900003', '+447700900001']);
		// bob: consent, no number; dan, eve, fay: no SMS consent. ann listed twice counts once.
		expect(sel.leftOut).toEqual({ 'consent-withdrawn': 0, 'no-consent': 3, 'no-contact': 1 });
		expect(sel.total).toBe(6);
		const csv = campaignCsv(sel);
		expect(csv.headers).toEqual(['first name', 'last name', 'phone']);
		expect(csv.rows[1]).toEqual(['ann', 'Zed', '+447700900001']);
	});

	it('says nothing was left out when nobody was', () => {
		expect(leftOutSummary(selectForCampaign([MEMBERS[0]], 'email').leftOut, 'email')).toBeNull();
	});

	it('records the export and reads the record back; a newer version is not misread', () => {
		const sel = selectForCampaign(MEMBERS, 'email');
		const rec = campaignRecord(sel, { id: 'g1', name: 'Gold' }, { id: 'x1', at: '2025-03-01T10:00:00Z', by: 'Till 1' });
		expect(rec).toMatchObject({ groupId: 'g1', groupName: 'Gold', channel: 'email', included: 3, by: 'Till 1' });
		expect(readCampaignRecord(JSON.parse(JSON.stringify(rec)))).toEqual(rec);
		expect(readCampaignRecord({ ...rec, version: 2 })).toBeNull();
		expect(readCampaignRecord({ ...rec, channel: 'fax' })).toBeNull();
	});
});
