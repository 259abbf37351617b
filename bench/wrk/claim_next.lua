-- POST /api/v1/tasks/claim-next: the next claimable task of the board (args: board=). 200 with a task,
-- 204 when none qualifies; both are 2xx. bench/breakdown.sh checks afterwards that no claimed task was blocked.
dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")
run(function(a)
  return wrk.format("POST", "/api/v1/tasks/claim-next", nil, string.format('{"board_id":%d}', a.board))
end)
