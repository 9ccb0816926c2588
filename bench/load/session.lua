-- wrk script: GET /session with a session cookie.
-- The Cookie header values (e.g. "sid=s%3A...") come from the file named by BENCH_COOKIE_FILE
-- (one per line) if it is set, else from the environment variable BENCH_COOKIE (one value).
-- With several cookies, requests go round-robin over them (each wrk thread from its own
-- starting point), so the load spreads over several sessions (and users).
--   BENCH_COOKIE='__Host-tessera=...' wrk -t2 -c50 -d10s --latency -s session.lua http://127.0.0.1:8080
local cookies = {}
local file = os.getenv("BENCH_COOKIE_FILE")
if file ~= nil and file ~= "" then
  for line in io.lines(file) do
    if line ~= "" then cookies[#cookies + 1] = line end
  end
else
  local cookie = os.getenv("BENCH_COOKIE")
  if cookie ~= nil and cookie ~= "" then cookies[1] = cookie end
end
assert(#cookies > 0, "set BENCH_COOKIE or BENCH_COOKIE_FILE")

wrk.method = "GET"
wrk.path = "/session"
wrk.headers["Cookie"] = cookies[1]

if #cookies > 1 then
  local reqs, i = {}, 0
  function init(args)
    for k, c in ipairs(cookies) do reqs[k] = wrk.format("GET", "/session", { Cookie = c }) end
    math.randomseed(os.time() + math.floor(os.clock() * 1e6))
    i = math.random(#reqs) - 1
  end
  function request()
    i = i % #reqs + 1
    return reqs[i]
  end
end

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
