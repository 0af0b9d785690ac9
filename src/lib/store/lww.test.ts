// The shared last-writer-wins record shape: shared and per-writer field keys read together, the
// later edit by the clocks winning, an exact tie decided the same way on every tablet, and a write
// made after seeing a later edit still winning.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyEdits, fieldKeysOf, latestEdits, readBase, writeBase, writeFields, writeTombstone } from './lww';

function mapOf(clientID: number): Y.Map<unknown> {
	const doc = new Y.Doc();
	doc.clientID = clientID;
	return doc.getMap('things');
}

const keysOf = (map: Y.Map<unknown>, id: string) => fieldKeysOf(map, (x) => x === id).get(id) ?? [];

describe('lww records', () => {
	it('reads shared and writer keys together: the latest edit of each field wins, a tie goes to the larger writer id', () => {
		const map = mapOf(1);
		writeBase(map, 'r', { name: 'Mug', price: 100, createdAt: 't0' });
		map.set('r/name', { v: 'Cup', at: 't2' });
		map.set('r/name/5', { v: 'Beaker', at: 't3' });
		map.set('r/price/7', { v: 120, at: 't4' });
		map.set('r/price/9', { v: 130, at: 't4' });
		map.set('r/colour/7', { v: 'red', at: 't9' });
		const record: Record<string, unknown> = { ...(readBase<Record<string, unknown>>(map, 'r') as { base: object }).base };
		const updatedAt = applyEdits(record, latestEdits(map, 'r', ['name', 'price'], keysOf(map, 'r')), 't0');
		expect(record).toEqual({ name: 'Beaker', price: 130, createdAt: 't0' });
		expect(updatedAt).toBe('t4');
		// Without the keys, only shared keys are read.
		expect(latestEdits(map, 'r', ['name', 'price']).get('name')).toEqual({ v: 'Cup', at: 't2' });
	});

	it('a write made after seeing a later edit is stamped past it and replaces every key of the field it saw', () => {
		const map = mapOf(3);
		writeBase(map, 'r', { name: 'Mug', createdAt: '2026-01-01T00:00:00.000Z' });
		map.set('r/name/8', { v: 'Cup', at: '2026-01-01T10:00:00.000Z' });
		writeFields(map, 'r', { name: 'Beaker' }, '2026-01-01T09:00:00.000Z', { writer: '3', keys: keysOf(map, 'r') });
		expect(keysOf(map, 'r')).toEqual(['r/name/3']);
		expect(latestEdits(map, 'r', ['name'], keysOf(map, 'r')).get('name')).toEqual({ v: 'Beaker', at: '2026-01-01T10:00:00.001Z' });
	});

	it('a tombstone removes the keys given and reads as deleted', () => {
		const map = mapOf(4);
		writeBase(map, 'r', { name: 'Mug', createdAt: 't0' });
		writeFields(map, 'r', { name: 'Cup' }, 't1', { writer: '4', keys: [] });
		writeTombstone(map, 'r', 't2', keysOf(map, 'r'));
		expect(readBase(map, 'r')).toEqual({ kind: 'deleted', at: 't2' });
		expect([...map.keys()]).toEqual(['r']);
	});
});
