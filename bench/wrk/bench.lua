-- wrk script for bench/run.sh. Configured by environment variables (read in every Lua state):
--   BENCH_METHOD  GET or POST (default GET)
--   BENCH_BODIES  colon-separated files; each request sends the next one in turn (POST only).
--                 With one file the request is built once (wrk's static request).
--   BENCH_AUTH    value of the Authorization header ("" = none)
--   BENCH_CTYPE   Content-Type of the bodies (default application/json)
-- done() prints one machine-readable line that run.sh parses:
--   WRK requests=N duration_us=N rps=X bytes=N p50_us=N p99_us=N max_us=N
--       err_status=N err_connect=N err_read=N err_write=N err_timeout=N
-- (err_status counts replies with a status >= 400; wrk prints them as "Non-2xx or 3xx".)

local method = os.getenv("BENCH_METHOD") or "GET"
local auth = os.getenv("BENCH_AUTH") or ""
local ctype = os.getenv("BENCH_CTYPE") or "application/json"
local paths = os.getenv("BENCH_BODIES") or ""

local function read_file(p)
  local f = assert(io.open(p, "rb"), "cannot open " .. p)
  local b = f:read("*a")
  f:close()
  return b
end

local bodies = {}
for p in string.gmatch(paths, "[^:]+") do
  bodies[#bodies + 1] = read_file(p)
end

wrk.method = method
if auth ~= "" then wrk.headers["Authorization"] = auth end
if method == "POST" then wrk.headers["Content-Type"] = ctype end
if #bodies == 1 then wrk.body = bodies[1] end

if #bodies > 1 then
  local reqs = nil
  local n = 0
  request = function()
    if reqs == nil then
      reqs = {}
      for i, b in ipairs(bodies) do
        reqs[i] = wrk.format(method, wrk.path, wrk.headers, b)
      end
    end
    n = n % #reqs + 1
    return reqs[n]
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK requests=%d duration_us=%d rps=%.2f bytes=%d p50_us=%d p99_us=%d max_us=%d " ..
    "err_status=%d err_connect=%d err_read=%d err_write=%d err_timeout=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    summary.bytes, latency:percentile(50), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
