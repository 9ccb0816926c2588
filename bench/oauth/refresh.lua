-- wrk script: refresh_token grants with rotation, each request consuming its refresh token.
-- Every refresh token of the file named by BENCH_TOKENS_FILE (one per line) starts a family;
-- the families are dealt out to the wrk threads (BENCH_THREADS of them, = wrk -t). Each thread
-- keeps a queue of its families' current refresh tokens: a request takes the token at the
-- head, its response's new refresh token goes to the tail. A token is thus sent once, and a
-- family's next refresh uses its successor, whatever connection carries it. The file must hold
-- at least as many tokens as there are connections (each connection has one request in flight).
-- A non-200 answer loses that family; a request that finds the queue empty is sent with an
-- invalid token (and answered 400): both show as non-2xx, and done() prints
-- "families lost: N, starved requests: M".
-- BENCH_PATH (the token endpoint's path) and BENCH_CLIENT_ID (a public client) come from the environment.
local path = assert(os.getenv("BENCH_PATH"), "set BENCH_PATH")
local client_id = assert(os.getenv("BENCH_CLIENT_ID"), "set BENCH_CLIENT_ID")
local file = assert(os.getenv("BENCH_TOKENS_FILE"), "set BENCH_TOKENS_FILE")
local nthreads = assert(tonumber(os.getenv("BENCH_THREADS")), "set BENCH_THREADS")
local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }

local threads, next_id = {}, 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  threads[#threads + 1] = thread
end

local queue, head, tail = {}, 1, 0
lost, starved = 0, 0
function init(args)
  local i = 0
  for line in io.lines(file) do
    if line ~= "" then
      if i % nthreads == id then tail = tail + 1; queue[tail] = line end
      i = i + 1
    end
  end
end

function request()
  local token = "starved"
  if head <= tail then
    token = queue[head]
    queue[head] = nil
    head = head + 1
  else
    starved = starved + 1
  end
  return wrk.format("POST", path, headers,
    "grant_type=refresh_token&client_id=" .. client_id .. "&refresh_token=" .. token)
end

function response(status, hdrs, body)
  local token = status == 200 and body:match('"refresh_token"%s*:%s*"([^"]+)"')
  if token then
    tail = tail + 1
    queue[tail] = token
  else
    lost = lost + 1
  end
end

function done(summary, latency, requests)
  local l, s = 0, 0
  for _, t in ipairs(threads) do
    l = l + (t:get("lost") or 0)
    s = s + (t:get("starved") or 0)
  end
  io.write(string.format("families lost: %d, starved requests: %d\n", l - s, s))
end
