// The contract between the UI and the group report / campaign export (issue 9). Components depend
// on these types only; DexieReportService (service.ts) implements them over the derive worker (the
// report), the memberships and customers tables (the selection) and the Yjs doc 'campaigns' (the log).
import type { FieldError } from '$lib/domain/errors';
import type { MembershipKey } from '$lib/domain/groups/types';
import type { GroupReport } from '$lib/domain/reports/report';
import type { CampaignChannel, CampaignRecord, CampaignSelection } from '$lib/domain/reports/campaign';

export type ReportResult = { ok: true; report: GroupReport } | { ok: false; errors: FieldError[] };

export type CampaignExportResult =
	| { ok: true; selection: CampaignSelection; record: CampaignRecord; csv: string; filename: string }
	| { ok: false; errors: FieldError[] };

export interface ReportService {
	/**
	 * The report of a group or level for shop-zone days [from, to], computed off the main thread.
	 * A bad or empty range is refused at its field ('from', 'to') before anything is computed.
	 */
	report(key: MembershipKey, from: string, to: string): Promise<ReportResult>;
	/**
	 * The members of a group or level (`key`) with a current consent for `channel` and an address or
	 * number for it, as CSV, with how many were left out and why; the export is recorded in the
	 * replicated log (CampaignRecord.groupId = the key).
	 */
	exportCampaign(key: MembershipKey, channel: CampaignChannel): Promise<CampaignExportResult>;
	/** The exports of a group and of its levels, newest first. */
	campaigns(groupId: string): Promise<CampaignRecord[]>;
}
