-- wrk script: POST /login with a JSON body, the same user and password every time.
-- BENCH_USER and BENCH_PASSWORD come from the environment.
--   BENCH_USER=benchuser BENCH_PASSWORD=... wrk -t2 -c50 -d10s --latency -s login.lua http://127.0.0.1:8080
local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' elseif c == '\\' then return '\\\\' end
    return string.format("\\u%04x", c:byte())
  end) .. '"'
end

local user = assert(os.getenv("BENCH_USER"), "set BENCH_USER")
local password = assert(os.getenv("BENCH_PASSWORD"), "set BENCH_PASSWORD")

wrk.method = "POST"
wrk.path = "/login"
wrk.headers["Content-Type"] = "application/json"
wrk.body = "{\"username\":" .. json_string(user) .. ",\"password\":" .. json_string(password) .. "}"
