-- GET /api/v1/boards/{id}/tasks?per_column=50 on a board whose tasks carry relations (bench/breakdown.sh seeds them).
dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")
run(function(a)
  return wrk.format("GET", "/api/v1/boards/" .. a.board .. "/tasks?per_column=50")
end)
