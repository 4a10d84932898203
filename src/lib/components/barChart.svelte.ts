// A chart.js bar chart as a Svelte attachment: created when the canvas mounts, updated in place when
// the data changes, resized with its container, destroyed with the element. chart.js is loaded on
// first use so it stays out of the initial bundle.
import type { Attachment } from 'svelte/attachments';
import { untrack } from 'svelte';
import type { Chart } from 'chart.js';
import { formatCount } from '$lib/client/format';

export interface BarSeries {
  label: string;
  data: number[];
  color: string;
}
export interface BarData {
  labels: string[];
  series: BarSeries[];
}

/** How many bars a chart shows at most: the latest ones. */
export const MAX_BARS = 30;

/** A series of a chart of items: its name in the legend, its colour and what it counts of an item. */
export interface SeriesOf<T> {
  label: string;
  color: string;
  value: (item: T) => number;
}

/**
 * The chart of the latest MAX_BARS of `items` (oldest first, one bar each): its data, each series'
 * total over all the items, and, when older ones are left out, a note saying so ("Showing the latest
 * 30 of 42 runs"). `labels` names the bars shown; `first` is the 1-based number of the first of them.
 */
export function latestBars<T>(
  items: T[],
  chart: { plural: string; labels: (shown: T[], first: number) => string[]; series: SeriesOf<T>[] }
): { data: BarData; totals: number[]; cut?: string } {
  const shown = items.slice(-MAX_BARS);
  const first = items.length - shown.length + 1;
  return {
    data: {
      labels: chart.labels(shown, first),
      series: chart.series.map((s) => ({ label: s.label, color: s.color, data: shown.map(s.value) }))
    },
    totals: chart.series.map((s) => items.reduce((n, item) => n + s.value(item), 0)),
    cut:
      items.length > shown.length
        ? `Showing the latest ${shown.length} of ${formatCount(items.length)} ${chart.plural}`
        : undefined
  };
}

let loading: Promise<typeof import('chart.js')> | undefined;
function loadChartJs() {
  loading ??= import('chart.js').then((m) => {
    m.Chart.register(m.BarController, m.BarElement, m.CategoryScale, m.LinearScale, m.Legend, m.Tooltip);
    return m;
  });
  return loading;
}

const toDatasets = (d: BarData) =>
  d.series.map((s) => ({
    label: s.label,
    data: s.data,
    backgroundColor: s.color,
    borderRadius: 2,
    maxBarThickness: 36
  }));

export function barChart(
  getData: () => BarData,
  options: { stacked?: boolean; yTitle?: string } = {}
): Attachment<HTMLCanvasElement> {
  return (canvas) => {
    let chart: Chart<'bar'> | undefined;
    let destroyed = false;

    void loadChartJs().then(({ Chart }) => {
      if (destroyed) return;
      const data = untrack(getData);
      chart = new Chart(canvas, {
        type: 'bar',
        data: { labels: data.labels, datasets: toDatasets(data) },
        options: {
          // Sized by the ResizeObserver below rather than chart.js's own, so one observer owns resizing.
          responsive: false,
          maintainAspectRatio: false,
          animation: false,
          scales: {
            x: { stacked: options.stacked, grid: { display: false } },
            y: {
              stacked: options.stacked,
              beginAtZero: true,
              title: options.yTitle ? { display: true, text: options.yTitle } : undefined,
              ticks: { precision: 0 }
            }
          },
          plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } }
        }
      });
      chart.resize();
    });

    $effect(() => {
      const data = getData();
      if (!chart) return;
      chart.data.labels = data.labels;
      chart.data.datasets = toDatasets(data);
      chart.update();
    });

    const observer = new ResizeObserver(() => chart?.resize());
    if (canvas.parentElement) observer.observe(canvas.parentElement);

    return () => {
      destroyed = true;
      observer.disconnect();
      chart?.destroy();
      chart = undefined;
    };
  };
}
