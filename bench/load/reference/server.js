// Reference app for the HTTP load benchmark (scripts/bench_load.sh): the same two routes as
// `tessera serve`, written the usual Node way, with express-session's recommended production
// settings and connect-redis as the session store.
//
//   POST /login   {username, password} (JSON) -> Argon2id verify against the hash stored in
//                 Redis, regenerate the session id, 200 {user, csrf_token, expires_at} + cookie
//   GET  /session -> 200 {user, session: {...}, csrf_token} for a valid cookie, else 401
//   GET  /healthz -> 200 {"status":"ok"}
//
// Environment: PORT (required), REDIS_URL (default redis://127.0.0.1:6379), SESSION_SECRET
// (required), WORKERS (default: one per core, like Tessera's --threads 0).
// Users are created with `node users.js add NAME < password` (same Redis, key ref:user:NAME).
import cluster from "node:cluster";
import crypto from "node:crypto";
import os from "node:os";
import express from "express";
import session from "express-session";
import { RedisStore } from "connect-redis";
import { createClient } from "redis";
import argon2 from "argon2";

const port = Number(process.env.PORT);
const redisUrl = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const secret = process.env.SESSION_SECRET;
const workers = Number(process.env.WORKERS || os.availableParallelism());
if (!port || !secret) {
  console.error("reference: PORT and SESSION_SECRET are required");
  process.exit(2);
}

const ABSOLUTE_TIMEOUT_S = 43200; // Tessera's session_absolute_timeout default
const IDLE_TIMEOUT_S = 1800; // Tessera's session_idle_timeout default (reported, not enforced)

if (cluster.isPrimary && workers > 1) {
  for (let i = 0; i < workers; i++) cluster.fork();
  let listening = 0;
  cluster.on("listening", () => {
    if (++listening === workers) console.error(`reference: listening on 127.0.0.1:${port} (${workers} workers)`);
  });
  cluster.on("exit", (w, code, signal) => {
    console.error(`reference: worker ${w.process.pid} exited (${signal || code})`);
    process.exit(1);
  });
  for (const sig of ["SIGINT", "SIGTERM"]) {
    process.on(sig, () => {
      for (const w of Object.values(cluster.workers)) w.process.kill("SIGTERM");
      process.exit(0);
    });
  }
} else {
  const redis = createClient({ url: redisUrl });
  redis.on("error", (err) => console.error("reference: redis:", err.message));
  await redis.connect();

  const app = express();
  app.disable("x-powered-by");
  app.use(
    session({
      store: new RedisStore({ client: redis, prefix: "ref:sess:" }),
      secret,
      name: "sid",
      resave: false,
      saveUninitialized: false,
      rolling: false,
      cookie: { httpOnly: true, sameSite: "lax", secure: false, maxAge: ABSOLUTE_TIMEOUT_S * 1000 },
    }),
  );

  const now = () => Math.floor(Date.now() / 1000);

  app.post("/login", express.json({ limit: "16kb" }), async (req, res, next) => {
    const { username, password } = req.body ?? {};
    if (typeof username !== "string" || typeof password !== "string") {
      return res.status(400).json({ error: "malformed", message: "username and password are required" });
    }
    try {
      const stored = await redis.get("ref:user:" + username);
      const ok = stored !== null && (await argon2.verify(stored, password));
      if (!ok) return res.status(401).json({ error: "invalid_credentials", message: "invalid credentials" });
      req.session.regenerate((err) => {
        if (err) return next(err);
        const t = now();
        req.session.user = username;
        req.session.created_at = t;
        req.session.csrf_token = crypto.randomBytes(32).toString("base64url");
        res.json({ user: username, csrf_token: req.session.csrf_token, expires_at: Math.min(t + IDLE_TIMEOUT_S, t + ABSOLUTE_TIMEOUT_S) });
      });
    } catch (err) {
      next(err);
    }
  });

  app.get("/session", (req, res) => {
    const s = req.session;
    if (!s || !s.user) return res.status(401).json({ error: "unauthenticated", message: "no session" });
    const t = now();
    res.json({
      user: s.user,
      session: {
        id: crypto.createHash("sha256").update(req.sessionID).digest("base64url"),
        created_at: s.created_at,
        last_seen_at: t,
        idle_expires_at: t + IDLE_TIMEOUT_S,
        absolute_expires_at: s.created_at + ABSOLUTE_TIMEOUT_S,
      },
      csrf_token: s.csrf_token,
    });
  });

  app.get("/healthz", (req, res) => res.json({ status: "ok" }));

  app.use((err, req, res, next) => {
    console.error("reference:", err.message);
    res.status(503).json({ error: "store_unavailable", message: "internal error" });
  });

  app.listen(port, "127.0.0.1", () => {
    if (workers <= 1) console.error(`reference: listening on 127.0.0.1:${port} (1 worker)`);
  });
}
