// Child process for the crash test: appends updates forever and reports each one once
// appendUpdate resolved, so the parent knows what was acknowledged when it sends SIGKILL.
import { LevelStorage } from './level.js';

const storage = await LevelStorage.open(process.argv[2]);
for (let i = 0; i < 100_000; i++) {
	await storage.appendUpdate('shop/doc', new TextEncoder().encode(`update-${i}`));
	if (i === 200) await storage.putMeta('shop/s', { acked: true });
	process.stdout.write(`acked ${i}\n`);
}
