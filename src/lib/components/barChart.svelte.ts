// A chart.js bar (or line) chart as a Svelte attachment: created when the canvas mounts, updated in
// place when the data changes, resized with its container, destroyed with the element. chart.js is
// loaded on first use so it stays out of the initial bundle.
import type { Attachment } from 'svelte/attachments';
import { untrack } from 'svelte';
import type { Chart } from 'chart.js';
import { formatCount } from '$lib/client/format';

export interface BarSeries {
  label: string;
  data: number[];
  /** One colour, or one per bar (e.g. the bar of a limit in another colour) */
  color: string | string[];
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
    m.Chart.register(
      m.BarController,
      m.BarElement,
      m.LineController,
      m.LineElement,
      m.PointElement,
      m.CategoryScale,
      m.LinearScale,
      m.Legend,
      m.Tooltip
    );
    return m;
  });
  return loading;
}

export interface ChartOptions {
  stacked?: boolean;
  yTitle?: string;
  /** bar (default) or line */
  type?: 'bar' | 'line';
  /** Bars along the y axis, labels on the left (for long category names) */
  horizontal?: boolean;
  /** A click on a bar or point: its index in the labels */
  onselect?: (index: number) => void;
  /** Hide the legend (a single series that the title already names) */
  legend?: boolean;
  /** A category label drawn bold in a colour of its own (e.g. a limit) */
  highlight?: { index: number; color: string };
}

const toDatasets = (d: BarData, type: 'bar' | 'line') =>
  d.series.map((s) =>
    type === 'line'
      ? {
          label: s.label,
          data: s.data,
          borderColor: s.color,
          backgroundColor: s.color,
          pointRadius: 3,
          pointHoverRadius: 5,
          borderWidth: 2,
          tension: 0
        }
      : {
          label: s.label,
          data: s.data,
          backgroundColor: s.color,
          borderRadius: 2,
          maxBarThickness: 36
        }
  );

export function barChart(getData: () => BarData, options: ChartOptions = {}): Attachment<HTMLCanvasElement> {
  return (canvas) => {
    let chart: Chart<'bar' | 'line'> | undefined;
    let destroyed = false;
    const type = options.type ?? 'bar';
    const value = options.horizontal ? 'x' : 'y';
    const category = options.horizontal ? 'y' : 'x';

    void loadChartJs().then(({ Chart }) => {
      if (destroyed) return;
      const data = untrack(getData);
      const { onselect, highlight } = options;
      chart = new Chart(canvas, {
        type,
        data: { labels: data.labels, datasets: toDatasets(data, type) },
        options: {
          // Sized by the ResizeObserver below rather than chart.js's own, so one observer owns resizing.
          responsive: false,
          maintainAspectRatio: false,
          animation: false,
          indexAxis: options.horizontal ? 'y' : 'x',
          scales: {
            [category]: {
              stacked: options.stacked,
              grid: { display: false },
              // a key set to undefined would replace chart.js's defaults (the labels become indexes)
              ...(highlight && {
                ticks: {
                  color: (c: { index: number }) => (c.index === highlight.index ? highlight.color : '#666'),
                  font: (c: { index: number }) => (c.index === highlight.index ? { weight: 'bold' } : {})
                }
              })
            },
            [value]: {
              stacked: options.stacked,
              beginAtZero: true,
              ...(options.yTitle && { title: { display: true, text: options.yTitle } }),
              ticks: { precision: 0 }
            }
          },
          plugins: {
            legend: { display: options.legend ?? true, position: 'bottom', labels: { boxWidth: 12 } }
          },
          ...(onselect && {
            onClick: (_event, elements) => {
              if (elements.length) onselect(elements[0].index);
            },
            onHover: (event, elements) => {
              const target = event.native?.target;
              if (target instanceof HTMLElement) target.style.cursor = elements.length ? 'pointer' : '';
            }
          })
        }
      });
      chart.resize();
    });

    $effect(() => {
      const data = getData();
      if (!chart) return;
      chart.data.labels = data.labels;
      chart.data.datasets = toDatasets(data, type);
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
