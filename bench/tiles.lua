-- wrk script: replays the fixed tile list (TILES_FILE, one z/x/y a line) against LAYERS,
-- each connection starting at a different place in the list.
local tiles = {}
local layers = os.getenv("LAYERS") or "wards,planning,roads,cameras,wifi,reports"
for line in io.lines(os.getenv("TILES_FILE")) do
  tiles[#tiles + 1] = "/tiles/" .. layers .. "/" .. line
end
local counter = 0
function setup(thread)
  thread:set("offset", counter * 997)
  counter = counter + 1
end
local i = 0
function request()
  i = i + 1
  return wrk.format("GET", tiles[((offset + i) % #tiles) + 1])
end
