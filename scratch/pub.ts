import { measurePublishLatency } from '../bench/publish-latency.ts';
const r = await measurePublishLatency(process.argv[2]!, process.argv[3]!, Number(process.argv[4] ?? 20));
console.log(JSON.stringify({ p50: r.p50, p95: r.p95, max: r.max, post: r.postRoundTrips }));
