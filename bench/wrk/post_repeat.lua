-- The bare-insert limit: the same POST over and over, with one CSRF cookie
-- and token (a file with one line "path<TAB>cookie header<TAB>body").
-- Usage: wrk ... -s post_repeat.lua <url> -- <submission file>
package.path = debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua;" .. package.path
require("common")

local prepared

function init(args)
  local path, cookie, body = read_lines(args[1])[1]:match("^([^\t]*)\t([^\t]*)\t(.*)$")
  prepared = wrk.format("POST", path, {
    ["Cookie"] = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Referer"] = wrk.scheme .. "://" .. wrk.host .. ":" .. wrk.port .. path,
  }, body)
end

function request()
  return prepared
end

function response(status, headers, body)
  count_status(status)
end
