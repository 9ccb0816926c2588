// `node users.js add NAME` — reads the password from stdin (first line) and stores its
// Argon2id hash (Tessera's defaults: 2 passes, 64 MiB, 1 lane) at ref:user:NAME in REDIS_URL.
import { createClient } from "redis";
import argon2 from "argon2";

const [cmd, name] = process.argv.slice(2);
if (cmd !== "add" || !name) {
  console.error("usage: node users.js add NAME < password");
  process.exit(2);
}
let input = "";
for await (const chunk of process.stdin) input += chunk;
const password = input.split("\n")[0];
const hash = await argon2.hash(password, { type: argon2.argon2id, timeCost: 2, memoryCost: 65536, parallelism: 1 });
const redis = createClient({ url: process.env.REDIS_URL || "redis://127.0.0.1:6379" });
await redis.connect();
await redis.set("ref:user:" + name, hash);
await redis.quit();
console.error(`reference: user ${name} added`);
