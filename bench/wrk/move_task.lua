-- POST /api/v1/tasks/{id}/move: a random seeded task to the end of a random column (args: min=, max=, columns=).
dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")
run(function(a)
  local body = string.format('{"column_id":%d}', pick(a.cols))
  return wrk.format("POST", "/api/v1/tasks/" .. math.random(a.min, a.max) .. "/move", nil, body)
end)
