// Projects Natural Earth's countries (world-atlas, countries-50m.json) once, for the world map.
// tools/world_geometry.py runs it in a temporary folder that holds the npm packages imported
// here; it writes one JSON object to stdout: the frame's size, then per feature its id,
// name, SVG path, the point for its dot and its area, all in the map's pixels.
//
//   node world_geometry.mjs WIDTH MIN_WEIGHT DIGITS '[["TV", 179.2, -8.5], ...]'
import { readFileSync } from "node:fs";
import { geoArea, geoEqualEarth, geoPath } from "d3-geo";
import { feature } from "topojson-client";
import { presimplify, simplify, sphericalTriangleArea } from "topojson-simplify";

const [width, minWeight, digits] = process.argv.slice(2, 5).map(Number);
const extraPoints = JSON.parse(process.argv[5] ?? "[]"); // states the data has no shape for

const topology = JSON.parse(
  readFileSync(new URL("./node_modules/world-atlas/countries-50m.json", import.meta.url))
);
const detailed = feature(topology, topology.objects.countries).features;
// Simplification keeps shared borders shared: neighbours still meet without gaps.
const simple = simplify(presimplify(topology, sphericalTriangleArea), minWeight);
const simplified = feature(simple, simple.objects.countries).features;
// Antarctica is no state, and it would take a fifth of the height.
const kept = detailed.map((f, i) => [f, simplified[i]]).filter(([f]) => f.id !== "010");
const all = { type: "FeatureCollection", features: kept.map(([, s]) => s) };

const projection = geoEqualEarth().fitWidth(width, { type: "Sphere" });
const path = geoPath(projection).digits(digits);
const [[, top], [, bottom]] = path.bounds(all);
const [x0, y0] = projection.translate();
projection.translate([x0, y0 - top]);
const height = Math.ceil(bottom - top);

const round = (n) => Math.round(n * 10 ** digits) / 10 ** digits;
const parts = (geometry) =>
  geometry.type === "MultiPolygon"
    ? geometry.coordinates.map((coordinates) => ({ type: "Polygon", coordinates }))
    : [geometry];

const features = kept.map(([full, simpler]) => {
  // The dot sits on the largest part, measured on the full outline: an archipelago across
  // the antimeridian (Kiribati) gets its dot on land, not in the sea between its ends.
  const largest = parts(full.geometry).sort((a, b) => geoArea(b) - geoArea(a))[0];
  return {
    id: full.id ?? null,
    name: full.properties.name,
    d: simpler.geometry ? (path(simpler) ?? "") : "",
    point: path.centroid(largest).map(round),
    area: round(path.area(full)),
  };
});
const points = Object.fromEntries(
  extraPoints.map(([code, lon, lat]) => [code, projection([lon, lat]).map(round)])
);
process.stdout.write(JSON.stringify({ width, height, features, points }));
