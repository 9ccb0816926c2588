-- wrk script: GET /healthz, the same HTTP path as GET /session without the store call.
-- Sends the same Cookie header as session.lua when BENCH_COOKIE is set, so both requests are
-- the same size.
--   wrk -t2 -c50 -d10s --latency -s healthz.lua http://127.0.0.1:8080
wrk.method = "GET"
wrk.path = "/healthz"
local cookie = os.getenv("BENCH_COOKIE")
if cookie ~= nil and cookie ~= "" then wrk.headers["Cookie"] = cookie end
