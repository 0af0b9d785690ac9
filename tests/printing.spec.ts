// Receipt printing on a (fake) WebUSB thermal printer: pair it in Settings, a paid sale prints
// itself, the bytes read back as the receipt with its barcode; unplugged mid-receipt, the sale
// is safe and the reprint is one tap; without a printer, the print dialog gets 80 mm paper.
import { expect, test, type Page } from '@playwright/test';
import { openApp } from './support/app';
import { attachCustomer, MUG_BARCODE, newCustomer, openSale, payCard, seedItems } from './support/till';
import { installFakeUsbPrinter, printedBytes } from './support/fake-usb';
import { decodeEscPos, printedLines } from '../src/lib/printing/escpos-decoder';

type W = typeof globalThis & {
	fakeUsb: { next: string; plug(): void; bytes: number[] };
	shopCrm: { saveSettings(p: object): Promise<void>; sales: { get(id: string): Promise<{ receiptNo: string; total: number } | undefined> } };
};

async function receiptNo(page: Page): Promise<string> {
	const heading = await page.getByRole('heading', { level: 1, name: /^Receipt / }).textContent();
	return heading!.replace('Receipt', '').trim();
}

/** The printed receipts so far, split at each cut. */
async function receipts(page: Page) {
	const events = decodeEscPos(await printedBytes(page));
	const out: { text: string; lines: string[]; barcodes: string[] }[] = [];
	let current: typeof events = [];
	for (const e of events) {
		current.push(e);
		if (e.kind === 'cut') {
			const lines = printedLines(current);
			out.push({ text: lines.join('\n'), lines, barcodes: current.flatMap((x) => (x.kind === 'barcode' ? [x.data] : [])) });
			current = [];
		}
	}
	return out;
}

test('pair a USB printer, print a sale by itself, survive an unplug mid-receipt and reprint in one tap', async ({ page }) => {
	await page.addInitScript(installFakeUsbPrinter);
	await openApp(page, '/settings');
	await seedItems(page);
	await page.evaluate(() => (globalThis as W).shopCrm.saveSettings({ shopName: 'Café Crème' }));

	const section = page.getByRole('region', { name: 'Receipt printer' });
	await expect(section.getByTestId('printer-status')).toContainText('No printer paired');
	await section.getByRole('button', { name: 'Pair USB printer' }).click();
	await expect(section.getByTestId('printer-status')).toContainText('EPSON TM-T20III');
	await expect(section.getByTestId('printer-status')).toContainText('Connected');

	// 58 mm paper, the shop's address in the header.
	await section.getByLabel('Paper').selectOption('58');
	await section.getByLabel('Header lines').fill('12 Rue de la Paix\nTel 020 7946 0000');
	await section.getByRole('button', { name: 'Save receipt settings' }).click();
	await expect(page.getByText('Receipt settings saved')).toBeVisible();
	await section.getByRole('button', { name: 'Print test page' }).click();
	await expect(page.getByText('Test page printed')).toBeVisible();
	const [testPage] = await receipts(page);
	expect(testPage.text).toContain('Pound £ Euro € Cent ¢');
	expect(testPage.text).toContain('Paper 58 mm, 32 a line');

	// Remembered across a restart: reopened without asking.
	await page.reload();
	await expect(page.getByRole('region', { name: 'Receipt printer' }).getByTestId('printer-status')).toContainText('Connected');

	await page.setViewportSize({ width: 1024, height: 768 });
	await page.getByRole('region', { name: 'Receipt printer' }).screenshot({ path: 'test-results/screens/printer-settings-1024x768.png' });
	await page.setViewportSize({ width: 768, height: 1024 });
	await page.getByRole('region', { name: 'Receipt printer' }).screenshot({ path: 'test-results/screens/printer-settings-768x1024.png' });
	await page.setViewportSize({ width: 1024, height: 768 });

	// A sale for José: it prints as soon as it is paid.
	await newCustomer(page, 'José', 'Müller');
	await openSale(page);
	await page.getByLabel('Add item').fill(MUG_BARCODE);
	await page.getByLabel('Add item').press('Enter');
	await attachCustomer(page, 'Müller', 'José Müller');
	const saleId = await payCard(page);
	const number = await receiptNo(page);
	// (The reload started a new fake printer: its record starts empty.)
	await expect.poll(async () => (await receipts(page)).length).toBe(1);
	const receipt = (await receipts(page))[0];
	expect(receipt.barcodes).toEqual([number]);
	expect(receipt.text).toContain('Café Crème');
	expect(receipt.text).toContain('12 Rue de la Paix');
	expect(receipt.text).toMatch(/Stoneware mug Blue +£12\.50/);
	expect(receipt.text).toMatch(/TOTAL +£12\.50/);
	expect(receipt.text).toContain('Customer: José Müller');
	expect(receipt.text).toMatch(/Points earned +12/);
	expect(receipt.text).toContain(`Receipt ${number}`);
	expect(receipt.text).toContain('Thank you for shopping with us');
	for (const line of receipt.lines) expect([...line].length, line).toBeLessThanOrEqual(32);

	// Unplugged half-way through a reprint: a clear message, the sale untouched, reprint in one tap.
	await page.evaluate(() => ((globalThis as W).fakeUsb.next = 'unplug'));
	await page.getByRole('button', { name: 'Reprint' }).click();
	const fault = page.getByTestId('print-fault');
	await expect(fault).toContainText(`The printer EPSON TM-T20III was unplugged or switched off while printing receipt ${number}. The sale is saved`);
	expect(await page.evaluate((id) => (globalThis as W).shopCrm.sales.get(id), saleId)).toMatchObject({ receiptNo: number, total: 1250 });
	// The till is free meanwhile: the next sale can be rung up.
	await expect(page.getByRole('link', { name: 'New sale' })).toBeEnabled();
	// Reprinting before it is back says so.
	await fault.getByRole('button', { name: 'Reprint' }).click();
	await expect(fault).toContainText('is not connected: plug it in');

	await page.evaluate(() => (globalThis as W).fakeUsb.plug());
	// Reconnected by itself (the fault stays up, on any screen, until the reprint succeeds).
	await page.getByRole('link', { name: 'Settings', exact: true }).click();
	await expect(page.getByRole('region', { name: 'Receipt printer' }).getByTestId('printer-status')).toContainText('Connected');
	await page.getByTestId('print-fault').getByRole('button', { name: 'Reprint' }).click();
	await expect(page.getByTestId('print-fault')).toHaveCount(0);
	const all = await receipts(page);
	expect(all.length).toBe(2); // the half receipt has no cut: the receipt, then its reprint
	expect(all[1].barcodes).toEqual([number]);
	expect(all[1].text).toContain('Customer: José Müller');
});

test('without a receipt printer the print dialog gets an 80 mm receipt', async ({ page }) => {
	await openApp(page, '/settings');
	await seedItems(page);
	await expect(page.getByRole('region', { name: 'Receipt printer' }).getByTestId('printer-status')).toContainText(/No printer paired|cannot reach/);
	await openSale(page);
	await page.getByLabel('Add item').fill(MUG_BARCODE);
	await page.getByLabel('Add item').press('Enter');
	await payCard(page);
	await expect(page.getByRole('button', { name: 'Print', exact: true })).toBeVisible();
	await expect(page.getByRole('button', { name: 'Reprint' })).toHaveCount(0);

	await page.emulateMedia({ media: 'print' });
	const paper = page.getByRole('figure', { name: /Receipt/ });
	const box = (await paper.boundingBox())!;
	// 72 mm printable on 80 mm paper, at 96 px an inch.
	expect(Math.round(box.width)).toBe(Math.round((72 / 25.4) * 96));
	await expect(page.getByRole('navigation').first()).toBeHidden();
	await page.screenshot({ path: 'test-results/screens/receipt-print-layout.png', fullPage: true });
	const pdf = await page.pdf({ preferCSSPageSize: true });
	// The PDF's pages are 80 mm wide (226.77 pt).
	const widths = [...pdf.toString('latin1').matchAll(/\/MediaBox \[\s*0 0 ([\d.]+) [\d.]+\s*\]/g)].map((m) => Number(m[1]));
	expect(widths.length).toBeGreaterThan(0);
	for (const w of widths) expect(w).toBeCloseTo((80 / 25.4) * 72, 0);
});
