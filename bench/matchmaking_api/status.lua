-- wrk script: GET /matchmaking/status/{ticketId}, rotating over the "token ticketId" pairs of
-- TICKETS_FILE (written by tickets.mjs), each request with its owner's token.
local tokens, ids = {}, {}
local i = 0

function init(args)
  for line in io.lines(os.getenv("TICKETS_FILE")) do
    local t, id = line:match("^(%S+) (%S+)$")
    if t then
      tokens[#tokens + 1] = t
      ids[#ids + 1] = id
    end
  end
  i = math.random(#ids) - 1
end

function request()
  i = i % #ids + 1
  return wrk.format("GET", "/matchmaking/status/" .. ids[i],
                    {["Authorization"] = "Bearer " .. tokens[i]})
end
