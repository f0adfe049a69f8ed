-- POST /api/v1/links with the bench admin key: generated slugs, distinct destinations.
dofile("report.lua")

local key = os.getenv("BENCH_API_KEY")
local n = 0

function init(args)
  n = math.random(1000000000)
  wrk.method = "POST"
  wrk.headers["Authorization"] = "Bearer " .. key
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  n = n + 1
  return wrk.format(nil, "/api/v1/links", nil, string.format('{"url":"https://example.com/created/%d"}', n))
end
