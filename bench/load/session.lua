-- wrk script: GET /session with a session cookie.
-- The Cookie header value (e.g. "sid=s%3A...") comes from the environment variable
-- BENCH_COOKIE, or from the file named by BENCH_COOKIE_FILE (first line).
--   BENCH_COOKIE='__Host-tessera=...' wrk -t2 -c50 -d10s --latency -s session.lua http://127.0.0.1:8080
local cookie = os.getenv("BENCH_COOKIE")
if (cookie == nil or cookie == "") and os.getenv("BENCH_COOKIE_FILE") then
  local f = assert(io.open(os.getenv("BENCH_COOKIE_FILE"), "r"))
  cookie = f:read("*l")
  f:close()
end
assert(cookie ~= nil and cookie ~= "", "set BENCH_COOKIE or BENCH_COOKIE_FILE")

wrk.method = "GET"
wrk.path = "/session"
wrk.headers["Cookie"] = cookie

-- Optional pacing: BENCH_DELAY_MS (may be fractional) is the wait between a response and the
-- connection's next request. wrk's timers count whole milliseconds, so the mean is hit by
-- choosing floor or ceil at random. wrk's latency figures do not include this wait.
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0") or 0
if delay_ms > 0 then
  local lo = math.floor(delay_ms)
  local frac = delay_ms - lo
  function delay()
    if math.random() < frac then return lo + 1 end
    return lo
  end
end
