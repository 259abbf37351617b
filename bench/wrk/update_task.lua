-- PATCH /api/v1/tasks/{id}: a new title for a random seeded task (args: min=, max=).
dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")
local n = 0
run(function(a)
  n = n + 1
  local body = string.format('{"title":"bench renamed %d-%d"}', tid, n)
  return wrk.format("PATCH", "/api/v1/tasks/" .. math.random(a.min, a.max), nil, body)
end)
