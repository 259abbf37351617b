-- Shared wrk plumbing for the bench scripts: argument parsing (`wrk ... -- key=value ...`), a seeded
-- random generator per thread, counting of every response that is not 2xx (with a sample of the
-- first one for the log), and a one-line machine-readable summary printed by done().
--
-- An operation script calls run(build), where build(args) returns the next request (wrk.format).

local threads = {}

local function parse(args)
  local a = {}
  for _, kv in ipairs(args or {}) do
    local k, v = kv:match("^([^=]+)=(.*)$")
    if k then a[k] = v end
  end
  a.min = tonumber(a.min)
  a.max = tonumber(a.max)
  a.board = tonumber(a.board)
  a.cols = {}
  for c in (a.columns or ""):gmatch("%d+") do a.cols[#a.cols + 1] = tonumber(c) end
  return a
end

function pick(list)
  return list[math.random(1, #list)]
end

function run(build)
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json"

  setup = function(thread)
    threads[#threads + 1] = thread
    thread:set("tid", #threads)
  end

  init = function(args)
    A = parse(args)
    if A.token then wrk.headers["Authorization"] = "Bearer " .. A.token end
    errors_n = 0
    first_error = ""
    math.randomseed(os.time() * 1000 + tid * 7919)
  end

  request = function()
    return build(A)
  end

  response = function(status, headers, body)
    if status < 200 or status > 299 then
      errors_n = errors_n + 1
      if first_error == "" then
        first_error = status .. " " .. tostring(body):sub(1, 300):gsub("%s+", " ")
      end
    end
  end

  done = function(summary, latency, requests)
    local non2xx, sample = 0, ""
    for _, t in ipairs(threads) do
      non2xx = non2xx + (t:get("errors_n") or 0)
      local s = t:get("first_error")
      if sample == "" and s and s ~= "" then sample = s end
    end
    local e = summary.errors
    local secs = summary.duration / 1e6
    io.write(string.format(
      "BENCH requests=%d seconds=%.3f rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d non2xx=%d socket_errors=%d\n",
      summary.requests, secs, summary.requests / secs, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max, non2xx, e.connect + e.read + e.write + e.timeout))
    if sample ~= "" then io.write("BENCH_FIRST_ERROR " .. sample .. "\n") end
  end
end

return true
