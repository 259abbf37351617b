-- GET /api/v1/stats?board_id=B: the board's counts by column, priority and status (args: board=).
dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")
run(function(a)
  return wrk.format("GET", "/api/v1/stats?board_id=" .. a.board)
end)
