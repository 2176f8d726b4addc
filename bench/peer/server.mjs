// The peer of CityGIS's load benchmark: a small Node server that does what a city would
// otherwise use — @maplibre/geojson-vt slicing the same GeoJSON files, @maplibre/vt-pbf
// encoding — on the same URL scheme: /tiles/{layers}/{z}/{x}/{y}.
// Usage: node server.mjs DATA_DIR PORT
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { GeoJSONVT } from "@maplibre/geojson-vt";
import { fromGeojsonVt } from "@maplibre/vt-pbf";

const [dir, port] = [process.argv[2], Number(process.argv[3])];
const LAYERS = ["wards", "planning", "roads", "cameras", "wifi", "reports"];
const started = Date.now();
const indexes = {};
for (const name of LAYERS) {
  const data = JSON.parse(readFileSync(join(dir, `${name}.geojson`), "utf8"));
  // The same tile extent and buffer as CityGIS; geojson-vt's default simplification.
  indexes[name] = new GeoJSONVT(data, { maxZoom: 18, indexMaxZoom: 5, indexMaxPoints: 100000, extent: 4096, buffer: 64 });
}

createServer((req, res) => {
  const m = /^\/tiles\/([^/]+)\/(\d+)\/(\d+)\/(\d+)/.exec(req.url);
  if (!m) {
    res.writeHead(404).end();
    return;
  }
  const [z, x, y] = [Number(m[2]), Number(m[3]), Number(m[4])];
  const layers = {};
  for (const name of m[1].split(",")) {
    const index = indexes[name];
    const tile = index && index.getTile(z, x, y);
    if (tile && tile.features.length) layers[name] = tile;
  }
  if (!Object.keys(layers).length) {
    res.writeHead(204).end();
    return;
  }
  const body = fromGeojsonVt(layers, { version: 2, extent: 4096 });
  res.writeHead(200, { "Content-Type": "application/vnd.mapbox-vector-tile", "Content-Length": body.length });
  res.end(Buffer.from(body.buffer, body.byteOffset, body.length));
}).listen(port, "127.0.0.1", () => {
  console.log(`peer is running at http://127.0.0.1:${port}/ (ready after ${Date.now() - started} ms)`);
});
