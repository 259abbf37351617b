-- GET /api/v1/tasks?column_id=X&limit=100: the first page of a random column (args: columns=a,b,c,d).
dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")
run(function(a)
  return wrk.format("GET", "/api/v1/tasks?column_id=" .. pick(a.cols) .. "&limit=100")
end)
