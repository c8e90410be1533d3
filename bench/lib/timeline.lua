-- wrk script for the plot run: per-100 ms counts of requests sent, 2xx/3xx and other responses.
-- wrk has no hook for socket errors, but it calls request() for every request it writes, also on a
-- connection that then fails (refused, reset, closed): "sent - answered" per bucket is the number of
-- requests that got no answer (at most one in flight per connection, so the noise is at most -c).
-- Writes ZDT_TIMELINE (CSV: epoch_ms,sent,ok,non2xx) in done().
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } zdt_timespec;
int clock_gettime(int clk, zdt_timespec *tp);
]]
local ts = ffi.new("zdt_timespec")
local function bucket()
  ffi.C.clock_gettime(0, ts)
  return tonumber(ts.tv_sec) * 10 + math.floor(tonumber(ts.tv_nsec) / 100000000)
end

sent, ok, bad = {}, {}, {}
local req

function request()
  if not req then req = wrk.format() end
  local b = bucket()
  sent[b] = (sent[b] or 0) + 1
  return req
end

function response(status, headers, body)
  local b = bucket()
  if status < 400 then ok[b] = (ok[b] or 0) + 1 else bad[b] = (bad[b] or 0) + 1 end
end

local threads = {}
function setup(thread) table.insert(threads, thread) end

function done(summary, latency, requests)
  local all = {}
  for _, t in ipairs(threads) do
    for name, tab in pairs({ sent = t:get("sent"), ok = t:get("ok"), bad = t:get("bad") }) do
      for b, n in pairs(tab) do
        all[b] = all[b] or { sent = 0, ok = 0, bad = 0 }
        all[b][name] = all[b][name] + n
      end
    end
  end
  local keys = {}
  for b in pairs(all) do table.insert(keys, b) end
  table.sort(keys)
  local f = assert(io.open(os.getenv("ZDT_TIMELINE") or "timeline.csv", "w"))
  f:write("epoch_ms,sent,ok,non2xx\n")
  for _, b in ipairs(keys) do
    f:write(string.format("%d,%d,%d,%d\n", b * 100, all[b].sent, all[b].ok, all[b].bad))
  end
  f:close()
end
