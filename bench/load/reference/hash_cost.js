// Cost of one Argon2id password check as the reference app does it (npm argon2, the same
// parameters users.js hashes with: 2 passes, 64 MiB, 1 lane). Prints the median of N verifies.
//   node hash_cost.js [N]
import argon2 from "argon2";
import { createRequire } from "node:module";

const n = Number(process.argv[2] || 7);
const pw = "correct horse battery staple";
const hash = await argon2.hash(pw, { type: argon2.argon2id, timeCost: 2, memoryCost: 65536, parallelism: 1 });
const ms = [];
for (let i = 0; i < n; i++) {
  const t = process.hrtime.bigint();
  if (!(await argon2.verify(hash, pw))) process.exit(1);
  ms.push(Number(process.hrtime.bigint() - t) / 1e6);
}
ms.sort((a, b) => a - b);
const version = createRequire(import.meta.url)("argon2/package.json").version;
console.log(`reference (npm argon2 ${version}, Argon2id t=2 m=64MiB p=1): ${ms[n >> 1].toFixed(1)} ms per verify (median of ${n})`);
