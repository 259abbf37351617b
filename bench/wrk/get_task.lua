-- GET /api/v1/tasks/{id} for a random seeded task (args: min=, max= task ids).
dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")
run(function(a)
  return wrk.format("GET", "/api/v1/tasks/" .. math.random(a.min, a.max))
end)
