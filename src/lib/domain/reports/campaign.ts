// Campaign export (issue 9): a group's members for an email or SMS campaign, only those who
// consent to that channel now and have an address or number for it. Every member left out is
// counted under one reason, so the export can say how many and why. Pure: no DOM, Dexie or Yjs.
import type { Customer } from '../customer';

export const CAMPAIGN_CHANNELS = ['email', 'sms'] as const;
export type CampaignChannel = (typeof CAMPAIGN_CHANNELS)[number];

/** Why a member is not in the export, checked in this order (one reason each). */
export const LEFT_OUT_REASONS = ['consent-withdrawn', 'no-consent', 'no-contact'] as const;
export type LeftOutReason = (typeof LEFT_OUT_REASONS)[number];

/** Version of the stored CampaignRecord this build reads and writes. */
export const CAMPAIGN_RECORD_VERSION = 1;

export interface CampaignRow {
	firstName: string;
	lastName: string;
	/** The email address or the phone number (E.164), by channel. */
	contact: string;
}

export interface CampaignSelection {
	channel: CampaignChannel;
	rows: CampaignRow[];
	leftOut: Record<LeftOutReason, number>;
	/** Members looked at (included + left out). */
	total: number;
}

/** One export, as recorded in the replicated log (immutable once written). */
export interface CampaignRecord {
	version: number;
	id: string;
	/** The group's id, or `${groupId}/${levelId}` for a tier level or RFM segment. */
	groupId: string;
	/** The group's (or level's) name when exported (the group may be renamed or deleted later). */
	groupName: string;
	channel: CampaignChannel;
	/** ISO instant. */
	at: string;
	/** This tablet's name. */
	by: string;
	included: number;
	leftOut: Record<LeftOutReason, number>;
}

export const CHANNEL_LABELS: Record<CampaignChannel, string> = { email: 'Email', sms: 'SMS' };

/** The words for a reason, with the channel: 'no SMS consent'. */
export function leftOutLabel(reason: LeftOutReason, channel: CampaignChannel): string {
	const ch = channel === 'email' ? 'email' : 'SMS';
	switch (reason) {
		case 'consent-withdrawn':
			return `${ch} consent withdrawn`;
		case 'no-consent':
			return `no ${ch} consent`;
		case 'no-contact':
			return channel === 'email' ? 'consent but no email address' : 'consent but no phone number';
	}
}

/** "3 email consent withdrawn, 9 no email consent" ('' when nobody was left out). */
export function leftOutReasons(leftOut: Record<LeftOutReason, number>, channel: CampaignChannel): string {
	return LEFT_OUT_REASONS.filter((r) => leftOut[r] > 0)
		.map((r) => `${leftOut[r]} ${leftOutLabel(r, channel)}`)
		.join(', ');
}

export function leftOutTotal(leftOut: Record<LeftOutReason, number>): number {
	return LEFT_OUT_REASONS.reduce((s, r) => s + leftOut[r], 0);
}

/** "12 left out: 3 email consent withdrawn, 9 no email consent" (or null when nobody was left out). */
export function leftOutSummary(leftOut: Record<LeftOutReason, number>, channel: CampaignChannel): string | null {
	const n = leftOutTotal(leftOut);
	return n === 0 ? null : `${n} left out: ${leftOutReasons(leftOut, channel)}`;
}

function reasonOf(c: Pick<Customer, 'consents' | 'email' | 'phone'>, channel: CampaignChannel): LeftOutReason | null {
	const consent = c.consents?.[channel];
	if (consent?.status === 'withdrawn') return 'consent-withdrawn';
	if (consent?.status !== 'granted') return 'no-consent';
	const contact = channel === 'email' ? c.email : c.phone;
	if (typeof contact !== 'string' || contact.trim() === '') return 'no-contact';
	return null;
}

/**
 * The members to export for `channel`, sorted by last then first name, and how many were left
 * out and why. A customer listed twice is exported once.
 */
export function selectForCampaign(
	members: Iterable<Pick<Customer, 'id' | 'firstName' | 'lastName' | 'email' | 'phone' | 'consents'>>,
	channel: CampaignChannel
): CampaignSelection {
	const leftOut: Record<LeftOutReason, number> = { 'consent-withdrawn': 0, 'no-consent': 0, 'no-contact': 0 };
	const rows: CampaignRow[] = [];
	const seen = new Set<string>();
	for (const c of members) {
		if (seen.has(c.id)) continue;
		seen.add(c.id);
		const why = reasonOf(c, channel);
		if (why) leftOut[why]++;
		else rows.push({ firstName: c.firstName, lastName: c.lastName, contact: (channel === 'email' ? c.email : c.phone).trim() });
	}
	const coll = new Intl.Collator('en', { sensitivity: 'base' });
	rows.sort((a, b) => coll.compare(a.lastName, b.lastName) || coll.compare(a.firstName, b.firstName) || (a.contact < b.contact ? -1 : 1));
	return { channel, rows, leftOut, total: seen.size };
}

/** The export's columns: what an email or SMS tool imports. */
export function campaignCsv(sel: CampaignSelection): { headers: string[]; rows: string[][] } {
	return {
		headers: ['first name', 'last name', sel.channel === 'email' ? 'email' : 'phone'],
		rows: sel.rows.map((r) => [r.firstName, r.lastName, r.contact])
	};
}

/** The record of an export, ready to be logged. */
export function campaignRecord(
	sel: CampaignSelection,
	group: { id: string; name: string },
	meta: { id: string; at: string; by: string }
): CampaignRecord {
	return {
		version: CAMPAIGN_RECORD_VERSION,
		id: meta.id,
		groupId: group.id,
		groupName: group.name,
		channel: sel.channel,
		at: meta.at,
		by: meta.by,
		included: sel.rows.length,
		leftOut: { ...sel.leftOut }
	};
}

/** A stored record read back: null when it is not one (or from a newer version this build cannot read). */
export function readCampaignRecord(raw: unknown): CampaignRecord | null {
	if (!raw || typeof raw !== 'object') return null;
	const r = raw as Partial<CampaignRecord>;
	if (r.version !== CAMPAIGN_RECORD_VERSION) return null;
	if (typeof r.id !== 'string' || typeof r.groupId !== 'string' || typeof r.at !== 'string') return null;
	if (!CAMPAIGN_CHANNELS.includes(r.channel as CampaignChannel) || typeof r.included !== 'number') return null;
	const leftOut = { 'consent-withdrawn': 0, 'no-consent': 0, 'no-contact': 0 } as Record<LeftOutReason, number>;
	for (const k of LEFT_OUT_REASONS) leftOut[k] = typeof r.leftOut?.[k] === 'number' ? r.leftOut[k] : 0;
	return {
		version: r.version,
		id: r.id,
		groupId: r.groupId,
		groupName: typeof r.groupName === 'string' ? r.groupName : '',
		channel: r.channel as CampaignChannel,
		at: r.at,
		by: typeof r.by === 'string' ? r.by : '',
		included: r.included,
		leftOut
	};
}
