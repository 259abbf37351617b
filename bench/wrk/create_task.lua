-- POST /api/v1/tasks: a new task at the end of a random column (args: board=, columns=).
dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")
local n = 0
run(function(a)
  n = n + 1
  local body = string.format(
    '{"board_id":%d,"column_id":%d,"title":"bench created %d-%d","priority":"%s","description":"created by bench/wrk/create_task.lua"}',
    a.board, pick(a.cols), tid, n, pick({"low", "medium", "medium", "high", "urgent"}))
  return wrk.format("POST", "/api/v1/tasks", nil, body)
end)
