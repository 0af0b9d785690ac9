// Chromium's fake camera, fed a video of a barcode made on the spot: bwip-js draws the code (as a
// printed card would show it), ffmpeg turns the picture into the .y4m video the fake device plays
// in a loop. One browser per video: the file is chosen when the browser starts.
import { chromium, type Browser } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bwipjs from 'bwip-js/node';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './env';

export const FFMPEG = '/usr/bin/ffmpeg';

export type Symbology = 'ean13' | 'code128' | 'qrcode';

/** A PNG of the code, black on white, digits printed under 1D codes. */
export async function barcodePng(bcid: Symbology, text: string): Promise<Buffer> {
	const common = { bcid, text, scale: 4, paddingwidth: 10, paddingheight: 10, backgroundcolor: 'FFFFFF' };
	return bwipjs.toBuffer(bcid === 'qrcode' ? common : { ...common, height: 22, includetext: true });
}

/**
 * A 640×480 video: `blankSeconds` of a white frame (no card yet), then the code for `seconds`.
 * 10 frames a second: the scanner samples at that rate anyway, and the file stays small.
 */
export async function barcodeVideo(dir: string, bcid: Symbology, text: string, opts: { seconds?: number; blankSeconds?: number } = {}): Promise<string> {
	const { seconds = 3, blankSeconds = 0 } = opts;
	const png = join(dir, `${bcid}.png`);
	const video = join(dir, `${bcid}-${text.replace(/\W/g, '').slice(0, 20)}.y4m`);
	writeFileSync(png, await barcodePng(bcid, text));
	// Within the middle 360 lines: the app asks for a 16:9 picture, so Chromium crops the 4:3 video's
	// top and bottom. Nearest-neighbour scaling keeps the bars' and modules' edges sharp.
	const fit = 'scale=560:320:force_original_aspect_ratio=decrease:flags=neighbor,pad=640:480:(ow-iw)/2:(oh-ih)/2:white,format=yuv420p';
	const args = ['-loglevel', 'error', '-y'];
	if (blankSeconds > 0) {
		args.push('-f', 'lavfi', '-i', `color=white:s=640x480:r=10:d=${blankSeconds}`, '-loop', '1', '-framerate', '10', '-t', String(seconds), '-i', png);
		args.push('-filter_complex', `[0]format=yuv420p[a];[1]${fit}[b];[a][b]concat=n=2:v=1[v]`, '-map', '[v]');
	} else {
		args.push('-loop', '1', '-framerate', '10', '-t', String(seconds), '-i', png, '-vf', fit);
	}
	args.push('-r', '10', '-pix_fmt', 'yuv420p', video);
	execFileSync(FFMPEG, args);
	return video;
}

/** A browser whose camera shows `video`, camera permission granted without asking. */
export async function cameraBrowser(video: string): Promise<Browser> {
	return chromium.launch({
		executablePath: CHROMIUM_PATH,
		args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`]
	});
}

/** A temporary folder for the pictures and videos of one test. */
export function videoDir(): { dir: string; remove: () => void } {
	const dir = mkdtempSync(join(tmpdir(), 'shop-crm-scan-'));
	return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
