// The report service: the group report (validated here, computed by the derive worker) and the
// campaign export (members read by index, selected by the domain, recorded through the DocStore:
// one Yjs transaction → persisted + projected in one IndexedDB transaction).
import type { FieldError } from '$lib/domain/errors';
import { ALL_CUSTOMERS_ID, type MembershipKey } from '$lib/domain/groups/types';
import { builtInGroups } from '$lib/domain/groups/groups';
import { newId } from '$lib/domain/ids';
import { toCsv } from '$lib/domain/csv';
import { fold } from '$lib/domain/text';
import { validateReportRange, type GroupReport } from '$lib/domain/reports/report';
import {
	CAMPAIGN_CHANNELS,
	campaignCsv,
	campaignRecord,
	selectForCampaign,
	type CampaignChannel,
	type CampaignRecord
} from '$lib/domain/reports/campaign';
import type { DocStore } from '$lib/store/docstore';
import type { CustomerRecord } from '$lib/store/schema';
import { CAMPAIGNS_DOC, campaignsMap } from './yjs';
import type { CampaignExportResult, ReportResult, ReportService } from './api';

/** What the derive worker answers (DeriveClient on the page, a Deriver in tests). */
export interface ReportDerivation {
	report(key: MembershipKey, from: string, to: string): Promise<GroupReport>;
}

export interface ReportServiceContext {
	now(): string;
	/** 'YYYY-MM-DD' in the shop's zone. */
	today(): string;
	/** This tablet's name: who exported. */
	by(): string;
	derivation: ReportDerivation;
	newId?: () => string;
}

/** Customers read per bulkGet while a campaign is selected. */
const PAGE = 2000;

export class DexieReportService implements ReportService {
	#store: DocStore;
	#ctx: ReportServiceContext;

	constructor(store: DocStore, ctx: ReportServiceContext) {
		this.#store = store;
		this.#ctx = ctx;
	}

	get #db() {
		return this.#store.db;
	}

	async report(key: MembershipKey, from: string, to: string): Promise<ReportResult> {
		const errors = validateReportRange(from, to);
		if (errors.length) return { ok: false, errors };
		return { ok: true, report: await this.#ctx.derivation.report(key, from, to) };
	}

	async #groupName(groupId: string): Promise<string | null> {
		const row = await this.#db.groups.get(groupId);
		if (row) return row.group.name;
		return builtInGroups().find((g) => g.id === groupId)?.name ?? null;
	}

	async exportCampaign(groupId: string, channel: CampaignChannel): Promise<CampaignExportResult> {
		const errors: FieldError[] = [];
		if (!CAMPAIGN_CHANNELS.includes(channel)) errors.push({ field: 'channel', code: 'campaign-channel-invalid' });
		const name = await this.#groupName(groupId);
		if (name === null) errors.push({ field: 'group', code: 'group-gone' });
		if (errors.length) return { ok: false, errors };
		const ids =
			groupId === ALL_CUSTOMERS_ID
				? ((await this.#db.customers.toCollection().primaryKeys()) as string[])
				: ((await this.#db.memberships.where('keys').equals(groupId).primaryKeys()) as string[]);
		const members: CustomerRecord[] = [];
		for (let i = 0; i < ids.length; i += PAGE) {
			for (const c of await this.#db.customers.bulkGet(ids.slice(i, i + PAGE))) if (c) members.push(c);
		}
		const selection = selectForCampaign(members, channel);
		const record = campaignRecord(selection, { id: groupId, name: name! }, { id: (this.#ctx.newId ?? newId)(), at: this.#ctx.now(), by: this.#ctx.by() });
		const { headers, rows } = campaignCsv(selection);
		await this.#store.transact([CAMPAIGNS_DOC], (docs) => campaignsMap(docs.get(CAMPAIGNS_DOC)!).set(record.id, record));
		return { ok: true, selection, record, csv: toCsv(headers, rows), filename: `${slug(name!)}-${channel}-${this.#ctx.today()}.csv` };
	}

	async campaigns(groupId: string): Promise<CampaignRecord[]> {
		const rows = await this.#db.campaigns.where('groupId').equals(groupId).toArray();
		return rows.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.id < b.id ? -1 : 1));
	}
}

function slug(name: string): string {
	return fold(name).replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'group';
}

