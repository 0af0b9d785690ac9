// The report service: the group report (validated here, computed by the derive worker) and the
// campaign export (members read by index, selected by the domain, recorded through the DocStore:
// one Yjs transaction → persisted + projected in one IndexedDB transaction).
import type { FieldError } from '$lib/domain/errors';
import { ALL_CUSTOMERS_ID, type MembershipKey } from '$lib/domain/groups/types';
import { builtInGroups } from '$lib/domain/groups/groups';
import { RFM_SEGMENTS } from '$lib/domain/groups/rfm';
import { newId } from '$lib/domain/ids';
import { toCsv } from '$lib/domain/csv-write';
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

	/** 'Gold (Spend tiers)' for a level key, the group's name for a group; null when it no longer exists. */
	async #keyName(key: MembershipKey): Promise<string | null> {
		const slash = key.indexOf('/');
		const groupId = slash === -1 ? key : key.slice(0, slash);
		const g = (await this.#db.groups.get(groupId))?.group ?? builtInGroups().find((x) => x.id === groupId);
		if (!g) return null;
		if (slash === -1) return g.name;
		const levelId = key.slice(slash + 1);
		const level =
			g.type === 'tiered' ? g.tier.levels.find((l) => l.id === levelId)?.name : g.type === 'rfm' ? RFM_SEGMENTS.find((x) => x.id === levelId)?.name : undefined;
		return level ? `${level} (${g.name})` : null;
	}

	async exportCampaign(key: MembershipKey, channel: CampaignChannel): Promise<CampaignExportResult> {
		const errors: FieldError[] = [];
		if (!CAMPAIGN_CHANNELS.includes(channel)) errors.push({ field: 'channel', code: 'campaign-channel-invalid' });
		const name = await this.#keyName(key);
		if (name === null) errors.push({ field: 'group', code: 'group-gone' });
		if (errors.length) return { ok: false, errors };
		const ids =
			key === ALL_CUSTOMERS_ID
				? ((await this.#db.customers.toCollection().primaryKeys()) as string[])
				: ((await this.#db.memberships.where('keys').equals(key).primaryKeys()) as string[]);
		const members: CustomerRecord[] = [];
		for (let i = 0; i < ids.length; i += PAGE) {
			for (const c of await this.#db.customers.bulkGet(ids.slice(i, i + PAGE))) if (c) members.push(c);
		}
		const selection = selectForCampaign(members, channel);
		const record = campaignRecord(selection, { id: key, name: name! }, { id: (this.#ctx.newId ?? newId)(), at: this.#ctx.now(), by: this.#ctx.by() });
		const { headers, rows } = campaignCsv(selection);
		await this.#store.transact([CAMPAIGNS_DOC], (docs) => campaignsMap(docs.get(CAMPAIGNS_DOC)!).set(record.id, record));
		return { ok: true, selection, record, csv: toCsv(headers, rows), filename: `${slug(name!)}-${channel}-${this.#ctx.today()}.csv` };
	}

	async campaigns(groupId: string): Promise<CampaignRecord[]> {
		// The group's own exports and its levels' ('groupId/levelId').
		const [own, levels] = await Promise.all([
			this.#db.campaigns.where('groupId').equals(groupId).toArray(),
			this.#db.campaigns.where('groupId').startsWith(groupId + '/').toArray()
		]);
		const rows = [...own, ...levels];
		return rows.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.id < b.id ? -1 : 1));
	}
}

function slug(name: string): string {
	return fold(name).replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'group';
}

