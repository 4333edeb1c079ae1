-- POSTs each prepared submission exactly once: a file of lines
-- "path<TAB>cookie header<TAB>urlencoded body", from a prep pass that opened
-- each page to get the CSRF cookie and form token the app issued. Thread i of
-- n takes lines i+1, i+1+n, ...; a thread that runs out stops (and says so,
-- because then the rate would be understated). wrk calls request() once
-- before the run to check the script: that first line is used up unsent.
-- Usage: wrk ... -s post_once.lua <url> -- <submissions file> <threads>
package.path = debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua;" .. package.path
require("common")

local lines
local position
local step

function init(args)
  lines = read_lines(args[1])
  step = tonumber(args[2])
  position = id + 1 - step
end

function request()
  position = position + step
  local line = lines[position]
  if line == nil then
    exhausted = 1
    wrk.thread:stop()
    return wrk.format("GET", "/s/thanks/")
  end
  local path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
  local headers = {
    ["Cookie"] = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Referer"] = wrk.scheme .. "://" .. wrk.host .. ":" .. wrk.port .. path,
  }
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  count_status(status)
end
