-- GET /api/v1/health/simple: no database, no credential checks; the framework's ceiling for a request.
dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")
run(function(a)
  return wrk.format("GET", "/api/v1/health/simple")
end)
