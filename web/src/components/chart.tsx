import { BarChart, HeatmapChart, LineChart, SankeyChart, ScatterChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

// Only the charts the dashboard draws, which keeps the bundle a third of the full ECharts build.
echarts.use([
  BarChart,
  HeatmapChart,
  LineChart,
  SankeyChart,
  ScatterChart,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;

export interface ChartProps {
  readonly option: ChartOption;
  /** What the chart shows, for screen readers and for tests that find it. */
  readonly label: string;
  readonly height?: number;
  /** Clicks on a data item (a bar, a cell, a point): ECharts' event parameters. */
  readonly onItemClick?: (params: { name?: string; dataIndex?: number; seriesIndex?: number; data?: unknown }) => void;
}

/** An ECharts chart that follows its option and its container's width. */
export function Chart({ option, label, height = 280, onItemClick }: ChartProps) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const clickHandler = useRef(onItemClick);
  clickHandler.current = onItemClick;

  useEffect(() => {
    if (!element.current) return;
    const instance = echarts.init(element.current, null, { renderer: 'canvas' });
    chart.current = instance;
    instance.on('click', (params) => clickHandler.current?.(params as Parameters<NonNullable<typeof onItemClick>>[0]));
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption({ animationDuration: 300, ...option }, { notMerge: true });
  }, [option]);

  // The label is ours, not ECharts' generated description (its aria option would overwrite the element's label).
  return <div ref={element} className="chart" role="img" aria-label={label} style={{ height }} />;
}

/** A tiny line without axes, for tables and cards. */
export function Sparkline({ values, label }: { readonly values: readonly number[]; readonly label: string }) {
  const option: ChartOption = {
    animation: false,
    grid: { left: 1, right: 1, top: 2, bottom: 2 },
    xAxis: { type: 'category', show: false, data: values.map((_, i) => i) },
    yAxis: { type: 'value', show: false, scale: true },
    series: [{ type: 'line', data: [...values], symbol: 'none', lineStyle: { width: 1.5, color: '#3b6fd8' } }],
  };
  return <Chart option={option} label={label} height={28} />;
}
