// A chart.js bar chart as a Svelte attachment: created when the canvas mounts, updated in place when
// the data changes, resized with its container, destroyed with the element. chart.js is loaded on
// first use so it stays out of the initial bundle.
import type { Attachment } from 'svelte/attachments';
import { untrack } from 'svelte';
import type { Chart } from 'chart.js';

export interface BarSeries {
  label: string;
  data: number[];
  color: string;
}
export interface BarData {
  labels: string[];
  series: BarSeries[];
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
