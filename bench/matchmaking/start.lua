-- wrk script: POST /matchmaking/start with the seed's body, rotating over the players whose
-- tokens are in TOKENS_FILE (one "player token" pair per line), so that each request is a new
-- ticket of a valid player.
local players, tokens = {}, {}
local i = 0

function init(args)
  for line in io.lines(os.getenv("TOKENS_FILE")) do
    local p, t = line:match("^(%S+) (%S+)$")
    if p then
      players[#players + 1] = p
      tokens[#tokens + 1] = t
    end
  end
  i = math.random(#players) - 1
end

function request()
  i = i % #players + 1
  local body = '{"playerId":"' .. players[i] .. '","playerAttributes":{"skill":' ..
      (i % 50) .. ',"region":"eu-west-1","latencyInMs":{"eu-west-1":50}}}'
  return wrk.format("POST", "/matchmaking/start",
                    {["Content-Type"] = "application/json",
                     ["Authorization"] = "Bearer " .. tokens[i]}, body)
end

local statuses = {}
function response(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("non-2xx/3xx responses: %d\n", summary.errors.status))
end
