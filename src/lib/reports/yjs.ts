// How the campaign export log lives in Yjs.
//
// campaigns, Y.Map 'campaigns': '<recordId>' → CampaignRecord (immutable, one JSON value)
//
// Append-only and keyed by a random id, like sales: two tablets exporting offline both keep their
// record, and a record re-sent is the same key with the same value. No personal data in it.
import * as Y from 'yjs';
import type { CampaignRecord } from '$lib/domain/reports/campaign';

export const CAMPAIGNS_DOC = 'campaigns';
export const CAMPAIGNS_MAP = 'campaigns';

export const campaignsMap = (doc: Y.Doc) => doc.getMap<CampaignRecord>(CAMPAIGNS_MAP);
