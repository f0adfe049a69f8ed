-- GET /{slug} rotating over BENCH_SLUGS slugs named BENCH_PREFIX + 7 digits (bench/lib/dataset.ts).
-- Requests are formatted once in init(), so wrk spends its core on sending, not on Lua.
dofile("report.lua")

local count = tonumber(os.getenv("BENCH_SLUGS") or "10000")
local prefix = os.getenv("BENCH_PREFIX") or "bn"
local reqs, i = {}, 0

function init(args)
  for k = 1, count do reqs[k] = wrk.format("GET", string.format("/%s%07d", prefix, k)) end
  i = math.random(count) -- threads start at different points of the rotation
end

function request()
  i = i + 1
  if i > count then i = 1 end
  return reqs[i]
end
