-- wrk script: POST to the introspection endpoint (RFC 7662) as the resource server (HTTP Basic),
-- the same access token every time. BENCH_PATH, BENCH_BASIC (base64 of "client_id:secret") and
-- BENCH_TOKEN (base64url, so it needs no form encoding) come from the environment.
--   BENCH_PATH=/oauth2/introspect BENCH_BASIC=... BENCH_TOKEN=... wrk -t2 -c50 -d10s --latency -s introspect.lua URL
wrk.method = "POST"
wrk.path = assert(os.getenv("BENCH_PATH"), "set BENCH_PATH")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic " .. assert(os.getenv("BENCH_BASIC"), "set BENCH_BASIC")
local token = assert(os.getenv("BENCH_TOKEN"), "set BENCH_TOKEN")
assert(token:match("^[%w%-_%.]+$"), "BENCH_TOKEN must be base64url (and dots)")
wrk.body = "token=" .. token .. "&token_type_hint=access_token"
