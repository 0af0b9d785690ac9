// sync-server/cluster/run-local.sh: a local cluster until Ctrl-C (see that script).
import { CLUSTER_SETUP_SECRET, startLocalCluster } from './cluster.js';
import { startPostgres, type TestPostgres } from './postgres.js';

const port = Number(process.env.PORT ?? 8787);
const instances = Number(process.env.INSTANCES ?? 3);
let pg: TestPostgres | null = null;
let databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
	pg = await startPostgres({ fsync: true });
	databaseUrl = pg.url;
	console.log(`PostgreSQL (throwaway, removed on exit) at ${pg.url}`);
}
const cluster = await startLocalCluster({ databaseUrl, instances, proxyPort: port, echo: true });
console.log(
	`Cluster: ${instances} relays (ports ${cluster.instances.map((i) => i.port).join(', ')}) behind ${cluster.base}`
);
console.log(`Setup code (SETUP_SECRET of every instance): ${CLUSTER_SETUP_SECRET}`);
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, () => {
		if (stopping) return;
		stopping = true;
		void cluster
			.stop()
			.then(() => pg?.stop())
			.then(() => process.exit(0));
	});
}
