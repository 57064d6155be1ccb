-- wrk script: POST /matchmaking/start with the seed's body, rotating over the players whose
-- tokens are in TOKENS_FILE (one "player token" pair per line), so that each request is a new
-- ticket of a valid player.
--
-- Every request is built once, in init(): wrk runs on the same machine as the server, so what
-- it spends per request is taken from the server's cores; request() only picks the next one.
-- There is no response() callback: with one, wrk hands every answer's headers and body to Lua,
-- which cost it about 2 us per request. wrk counts non-2xx answers itself.
local requests = {}
local i = 0

function init(args)
  local n = 0
  for line in io.lines(os.getenv("TOKENS_FILE")) do
    local player, token = line:match("^(%S+) (%S+)$")
    if player then
      n = n + 1
      local body = '{"playerId":"' .. player .. '","playerAttributes":{"skill":' ..
          (n % 50) .. ',"region":"eu-west-1","latencyInMs":{"eu-west-1":50}}}'
      requests[n] = wrk.format("POST", "/matchmaking/start",
                               {["Content-Type"] = "application/json",
                                ["Authorization"] = "Bearer " .. token}, body)
    end
  end
  i = math.random(n) - 1
end

function request()
  i = i % #requests + 1
  return requests[i]
end
