/**
 * The facial-metrics wide table of the W2T design as CSV: `time` (seconds, from the camera's timestamps) plus one
 * column per metric; missing samples are written as `NaN`, never dropped or zeroed. Throws when a metric's length
 * differs from the timestamps (a frame/timestamp mismatch must not pass silently).
 *
 * @example
 * ```ts
 * import { facialMetricsCsv } from "@neuropose/facemap";
 * const csv = facialMetricsCsv(new Float64Array([0, 0.5]), new Map([["motion_energy_eye", new Float64Array([0, Number.NaN])]]));
 * console.log(csv); // "time,motion_energy_eye\n0,0\n0.5,NaN\n"
 * ```
 */
export function facialMetricsCsv(time: Float64Array, metrics: ReadonlyMap<string, Float64Array>): string {
  const names = [...metrics.keys()];
  for (const n of names) {
    const len = (metrics.get(n) as Float64Array).length;
    if (len !== time.length)
      throw new RangeError(`metric ${n} has ${len} values but there are ${time.length} timestamps`);
  }
  const cols = names.map((n) => metrics.get(n) as Float64Array);
  const lines = [`time,${names.join(",")}`];
  for (let i = 0; i < time.length; i++) {
    let line = String(time[i]);
    for (const c of cols) line += `,${String(c[i])}`;
    lines.push(line);
  }
  return `${lines.join("\n")}\n`;
}
