-- GET of survey pages: each request opens the next token's page in the list
-- (a file of paths, one a line). A GET uses no link up, so tokens repeat.
-- Usage: wrk ... -s get_pages.lua <url> -- <paths file>
package.path = debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua;" .. package.path
require("common")

local paths
local position

function init(args)
  paths = read_lines(args[1])
  position = id
end

function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end

function response(status, headers, body)
  count_status(status)
end
