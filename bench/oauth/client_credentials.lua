-- wrk script: POST to the token endpoint, grant_type=client_credentials with scope=api, the client
-- authenticated with HTTP Basic (client_secret_basic). Every request issues a new access token.
-- BENCH_PATH (the token endpoint's path) and BENCH_BASIC (base64 of "client_id:secret") come
-- from the environment.
--   BENCH_PATH=/oauth2/token BENCH_BASIC=... wrk -t2 -c50 -d10s --latency -s client_credentials.lua http://127.0.0.1:8080
wrk.method = "POST"
wrk.path = assert(os.getenv("BENCH_PATH"), "set BENCH_PATH")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic " .. assert(os.getenv("BENCH_BASIC"), "set BENCH_BASIC")
wrk.body = "grant_type=client_credentials&scope=api"
