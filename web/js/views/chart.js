// uPlot options shared by the Resources charts (and by bench/dashboard_bench.mjs, which times
// chart creation and live updates with exactly these options).
//   chart:  {range?: [min, max]}   series: [[field, label, colour], ...]   width: px

export const CHART_HEIGHT = 220;

export function chartOptions(chart, series, width) {
  const axis = { stroke: '#8b98a8', grid: { stroke: '#2b3644' }, ticks: { stroke: '#2b3644' } };
  return {
    width,
    height: CHART_HEIGHT,
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: true },
      // Percentages keep a fixed 0–100 axis; other units start at 0 and follow their maximum.
      y: chart.range ? { range: chart.range } : { range: (u, min, max) => [0, Math.max(1, max)] },
    },
    axes: [axis, { ...axis, size: 56 }],
    // spanGaps false: a null (no sample) is drawn as a gap, never bridged. Lines 1 px wide: with
    // 1.5 px, a 24 h chart (8,640 x 4) took 25 ms per live update and 30 ms to create in
    // Chromium's software canvas, against 2.4 ms and 6.4 ms at 1 px (bench/dashboard_bench.mjs).
    series: [{}, ...series.map(([, label, color]) => ({
      label, stroke: color, width: 1, spanGaps: false, points: { show: false },
    }))],
  };
}
