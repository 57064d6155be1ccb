-- wrk script: GET /matchmaking/status/{ticketId}, rotating over the "token ticketId" pairs of
-- TICKETS_FILE (written by tickets.mjs), each request with its owner's token.
-- Every request is built once, in init() (see bench/matchmaking/start.lua).
local requests = {}
local i = 0

function init(args)
  for line in io.lines(os.getenv("TICKETS_FILE")) do
    local token, id = line:match("^(%S+) (%S+)$")
    if token then
      requests[#requests + 1] = wrk.format("GET", "/matchmaking/status/" .. id,
                                           {["Authorization"] = "Bearer " .. token})
    end
  end
  i = math.random(#requests) - 1
end

function request()
  i = i % #requests + 1
  return requests[i]
end
