-- POST /api/v1/tasks/{id}/move: a random seeded task to the end of a random column (args: min=, max=, columns=).
-- The seed cancels every 50th task; those are skipped, so that the task's new status follows from
-- the target column alone and the raw SQL side (bench/sql/scripts.sh) can send the same values.
dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")
run(function(a)
  local id = math.random(a.min, a.max)
  if (id - a.min + 1) % 50 == 0 then id = id - 1 end
  local body = string.format('{"column_id":%d}', pick(a.cols))
  return wrk.format("POST", "/api/v1/tasks/" .. id .. "/move", nil, body)
end)
