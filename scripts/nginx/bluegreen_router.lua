-- The nginx side of bluegreen's runtime router (router.nginx.mode: runtime): each upstream's servers live in the
-- shared dictionary bluegreen_routes, written through the admin server (a unix socket only the tool writes to) and read
-- by the balancer on every request, so a flip is one dictionary write: no reload, no worker or connection touched.
-- At start, each upstream is loaded from the servers file the tool rewrites beside the dictionary (a restarted nginx
-- serves the last committed route). Per-upstream and per-server counters and a response-time histogram, kept in
-- bluegreen_stats, are served in Prometheus' text format; each server's requests in flight are counted in the small
-- bluegreen_inflight, which a drain asks about every 50 ms without scanning the counters.
--
-- A route, as the tool writes it (PUT /upstreams/NAME), reads it back (GET) and saves it in the servers file:
--   # comment lines
--   upstream NAME
--   server 127.0.0.1:32780 weight=1
-- No server line: nothing routed (nginx answers 502).
local balancer = require "ngx.balancer"

local M = {}
local routes = ngx.shared.bluegreen_routes
local stats = ngx.shared.bluegreen_stats
local inflight = ngx.shared.bluegreen_inflight   -- "NAME\tADDR" -> requests not answered yet
local declared = {}   -- upstream name -> servers file, set in init_by_lua (the master), inherited by every worker
local parsed = {}     -- per worker: upstream name -> { text = route text, peers = {...} }
local MAX_SERVERS = 512
local MAX_BODY = 64 * 1024
-- Prometheus' default buckets, in seconds
local UNROUTED = { host = "unix:/nonexistent/bluegreen-unrouted.sock", addr = "unrouted" }
local BUCKETS = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 }

local function octets_ok(a, b, c, d)
  for _, o in ipairs({ a, b, c, d }) do
    if #o > 3 or tonumber(o) > 255 then
      return false
    end
  end
  return true
end

-- parse(text) -> name, peers | nil, error
function M.parse(text)
  if type(text) ~= "string" or #text > MAX_BODY then
    return nil, "a route is text of at most " .. MAX_BODY .. " bytes"
  end
  local name
  local peers = {}
  local seen = {}
  local n = 0
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    n = n + 1
    if line == "" or line:sub(1, 1) == "#" then
      -- comment or blank
    elseif not name then
      name = line:match("^upstream ([a-z0-9][a-z0-9-]*)$")
      if not name or #name > 128 then
        return nil, "line " .. n .. ": expected 'upstream NAME' first"
      end
    else
      local a, b, c, d, port, weight = line:match("^server (%d+)%.(%d+)%.(%d+)%.(%d+):(%d+) weight=(%d+)$")
      if not a or not octets_ok(a, b, c, d) or #port > 5 or tonumber(port) < 1 or tonumber(port) > 65535
          or #weight > 4 or tonumber(weight) < 1 or tonumber(weight) > 1000 then
        return nil, "line " .. n .. ": expected 'server IPV4:PORT weight=1..1000'"
      end
      local host = table.concat({ tonumber(a), tonumber(b), tonumber(c), tonumber(d) }, ".")
      local addr = host .. ":" .. tonumber(port)
      if seen[addr] then
        return nil, "line " .. n .. ": server " .. addr .. " twice"
      end
      seen[addr] = true
      if #peers >= MAX_SERVERS then
        return nil, "more than " .. MAX_SERVERS .. " servers"
      end
      peers[#peers + 1] = { host = host, port = tonumber(port), weight = tonumber(weight), addr = addr, current = 0 }
    end
  end
  if not name then
    return nil, "no 'upstream NAME' line"
  end
  return name, peers
end

-- init_by_lua: NAME is served from the dictionary, loaded from FILE (a missing file routes nothing).
function M.declare(name, file)
  declared[name] = file
  local f = io.open(file, "r")
  local text = "upstream " .. name .. "\n"
  if f then
    text = f:read("*a")
    f:close()
  end
  local got, err = M.parse(text)
  if not got then
    ngx.log(ngx.ERR, "bluegreen: ", file, ": ", err, "; routing nothing to ", name)
    text = "upstream " .. name .. "\n"
  elseif got ~= name then
    ngx.log(ngx.ERR, "bluegreen: ", file, " names upstream ", got, ", not ", name, "; routing nothing to ", name)
    text = "upstream " .. name .. "\n"
  end
  routes:set(name, text)
end

-- Smooth weighted round-robin (nginx's own), skipping the servers this request already tried.
local function pick(peers, tried)
  local total, best = 0, nil
  for _, p in ipairs(peers) do
    if not tried[p.addr] then
      p.current = p.current + p.weight
      total = total + p.weight
      if not best or p.current > best.current then
        best = p
      end
    end
  end
  if best then
    best.current = best.current - total
  end
  return best
end

local function route_of(name)
  local text = routes:get(name)
  local c = parsed[name]
  if not c or c.text ~= text then
    local _, peers = M.parse(text or "")
    c = { text = text, peers = peers or {} }
    parsed[name] = c
  end
  return c.peers
end

-- balancer_by_lua: picks a server of NAME's route; a failed try moves to another server of the same route.
function M.balance(name)
  local ctx = ngx.ctx
  local peers = route_of(name)
  local tried = ctx.bg_tried
  if not tried then
    tried = {}
    ctx.bg_tried = tried
    ctx.bg_upstream = name
    ctx.bg_peers = {}
    if #peers > 1 then
      balancer.set_more_tries(math.min(#peers - 1, 3))
    end
  end
  local p = pick(peers, tried)
  if not p then
    -- nothing routed: a peer no connection reaches, so nginx answers 502 as for a down upstream (an error here
    -- would be a 500)
    ngx.log(ngx.WARN, "bluegreen: no server routed for upstream ", name)
    p = UNROUTED
  end
  local ok, err = balancer.set_current_peer(p.host, p.port)
  if not ok then
    ngx.log(ngx.ERR, "bluegreen: cannot set peer ", p.addr, ": ", err)
    return ngx.exit(ngx.ERROR)
  end
  if p ~= UNROUTED then
    tried[p.addr] = true
    inflight:incr(name .. "\t" .. p.addr, 1, 0)
    ctx.bg_peers[#ctx.bg_peers + 1] = p.addr
  end
end

local function class(status)
  local s = tonumber(status)
  if not s or s < 100 or s > 599 then
    return nil
  end
  return math.floor(s / 100) .. "xx"
end

local function split(v)
  local out = {}
  for part in (v or ""):gmatch("[^,:%s][^,]*") do
    out[#out + 1] = part:match("^%s*(.-)%s*$")
  end
  return out
end

-- log_by_lua: in flight down, and each try counted for its server (status class, response time).
function M.log()
  local ctx = ngx.ctx
  local name = ctx.bg_upstream
  if not name then
    return
  end
  for _, addr in ipairs(ctx.bg_peers) do
    inflight:incr(name .. "\t" .. addr, -1, 0)
  end
  local c = class(ngx.status)
  if c then
    stats:incr("u\t" .. name .. "\t" .. c, 1, 0)
  end
  local addrs = split(ngx.var.upstream_addr)
  local statuses = split(ngx.var.upstream_status)
  local times = split(ngx.var.upstream_response_time)
  for i, addr in ipairs(addrs) do
    if ctx.bg_tried[addr] then
      local key = name .. "\t" .. addr
      local sc = class(statuses[i]) or "5xx"
      stats:incr("r\t" .. key .. "\t" .. sc, 1, 0)
      local t = tonumber(times[i])
      if t then
        local b = #BUCKETS + 1
        for j, le in ipairs(BUCKETS) do
          if t <= le then
            b = j
            break
          end
        end
        stats:incr("b\t" .. key .. "\t" .. b, 1, 0)
        stats:incr("s\t" .. key, t, 0)
      end
    end
  end
end

local function answer(status, body)
  ngx.status = status
  ngx.header["Content-Type"] = "text/plain; charset=utf-8"
  ngx.print(body)
  return ngx.exit(status)
end

-- The admin server (unix socket): GET /upstreams (each runtime upstream and the file it loads at start),
-- GET|PUT /upstreams/NAME, GET /inflight/NAME.
function M.admin()
  local method = ngx.req.get_method()
  if ngx.var.uri == "/upstreams" and method == "GET" then
    local out = {}
    for name, file in pairs(declared) do
      out[#out + 1] = name .. " " .. file .. "\n"
    end
    table.sort(out)
    return answer(200, table.concat(out))
  end
  local kind, name = ngx.var.uri:match("^/(%a+)/([a-z0-9][a-z0-9-]*)$")
  if not kind or (kind ~= "upstreams" and kind ~= "inflight") then
    return answer(404, "no such path: use /upstreams/NAME or /inflight/NAME\n")
  end
  if not declared[name] then
    return answer(404, "nginx serves no runtime upstream " .. name .. "\n")
  end
  if kind == "inflight" and method == "GET" then
    local out = {}
    local prefix = name .. "\t"
    for _, k in ipairs(inflight:get_keys(0)) do
      if k:sub(1, #prefix) == prefix then
        local v = inflight:get(k)
        if v and v > 0 then
          out[#out + 1] = k:sub(#prefix + 1) .. " " .. v
        end
      end
    end
    return answer(200, table.concat(out, "\n") .. (#out > 0 and "\n" or ""))
  end
  if kind ~= "upstreams" then
    return answer(405, "read-only: GET\n")
  end
  if method == "GET" then
    return answer(200, routes:get(name) or ("upstream " .. name .. "\n"))
  end
  if method ~= "PUT" then
    return answer(405, "GET or PUT\n")
  end
  ngx.req.read_body()
  local body = ngx.req.get_body_data()
  if not body then
    return answer(400, "the route must come in the request body (at most " .. MAX_BODY .. " bytes)\n")
  end
  local got, err = M.parse(body)
  if not got then
    return answer(400, "refused: " .. err .. "\n")
  end
  if got ~= name then
    return answer(400, "refused: the route names upstream " .. got .. ", not " .. name .. "\n")
  end
  local ok, serr = routes:set(name, body)
  if not ok then
    return answer(500, "the dictionary refused the route: " .. tostring(serr) .. "\n")
  end
  return answer(200, routes:get(name))
end

local function label(v)
  return (v:gsub("\\", "\\\\"):gsub("\"", "\\\""):gsub("\n", "\\n"))
end

-- GET /metrics on the metrics listener: Prometheus' text format.
function M.metrics()
  local upstream, responses, buckets, sums, pending = {}, {}, {}, {}, {}
  for _, k in ipairs(stats:get_keys(0)) do
    local v = stats:get(k)
    local kind, a, b, c = k:match("^(%a)\t([^\t]+)\t?([^\t]*)\t?([^\t]*)$")
    if v and kind == "u" then
      upstream[#upstream + 1] = { a, b, v }
    elseif v and kind == "r" then
      responses[#responses + 1] = { a, b, c, v }
    elseif v and kind == "b" then
      local key = a .. "\t" .. b
      buckets[key] = buckets[key] or {}
      buckets[key][tonumber(c)] = v
    elseif v and kind == "s" then
      sums[a .. "\t" .. b] = v
    end
  end
  for _, k in ipairs(inflight:get_keys(0)) do
    local v = inflight:get(k)
    local u, s = k:match("^([^\t]+)\t(.+)$")
    if v and u then
      pending[#pending + 1] = { u, s, v }
    end
  end
  local out = {}
  local function add(s)
    out[#out + 1] = s
  end
  add("# HELP bluegreen_nginx_upstream_responses_total Responses nginx sent for an upstream, by status class.\n")
  add("# TYPE bluegreen_nginx_upstream_responses_total counter\n")
  for _, r in ipairs(upstream) do
    add(string.format('bluegreen_nginx_upstream_responses_total{upstream="%s",code="%s"} %d\n', label(r[1]), r[2], r[3]))
  end
  add("# HELP bluegreen_nginx_server_responses_total Answers of each server (each try), by status class.\n")
  add("# TYPE bluegreen_nginx_server_responses_total counter\n")
  for _, r in ipairs(responses) do
    add(string.format('bluegreen_nginx_server_responses_total{upstream="%s",server="%s",code="%s"} %d\n',
        label(r[1]), label(r[2]), r[3], r[4]))
  end
  add("# HELP bluegreen_nginx_server_response_seconds How long each server took to answer (each try).\n")
  add("# TYPE bluegreen_nginx_server_response_seconds histogram\n")
  for key, counts in pairs(buckets) do
    local u, s = key:match("^([^\t]+)\t(.+)$")
    local labels = string.format('upstream="%s",server="%s"', label(u), label(s))
    local total = 0
    for j = 1, #BUCKETS + 1 do
      total = total + (counts[j] or 0)
      add(string.format('bluegreen_nginx_server_response_seconds_bucket{%s,le="%s"} %d\n', labels,
          j <= #BUCKETS and tostring(BUCKETS[j]) or "+Inf", total))
    end
    add(string.format("bluegreen_nginx_server_response_seconds_sum{%s} %.6f\n", labels, sums[key] or 0))
    add(string.format("bluegreen_nginx_server_response_seconds_count{%s} %d\n", labels, total))
  end
  add("# HELP bluegreen_nginx_server_in_flight Requests a server has not answered yet.\n")
  add("# TYPE bluegreen_nginx_server_in_flight gauge\n")
  for _, r in ipairs(pending) do
    add(string.format('bluegreen_nginx_server_in_flight{upstream="%s",server="%s"} %d\n', label(r[1]), label(r[2]), r[3]))
  end
  ngx.header["Content-Type"] = "text/plain; version=0.0.4; charset=utf-8"
  ngx.print(table.concat(out))
end

return M
