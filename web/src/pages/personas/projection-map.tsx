import { useMemo } from 'react';
import { Chart, type ChartOption } from '../../components/chart';
import { formatInt, formatPercent } from '../../components/format';
import { personaColour } from './colours';
import { featureLabel } from './features';
import type { Persona, Projection, ProjectionAxis } from './types';

/** An axis in words: its share of the variance and the features that weigh most in it, with their direction. */
export function axisTitle(number: 1 | 2, axis: ProjectionAxis): string {
  const top = axis.loadings
    .filter((l, i) => i === 0 || Math.abs(l.weight) >= 0.3)
    .slice(0, 3)
    .map((l) => `${l.weight >= 0 ? '+' : '−'}${featureLabel(l.feature).toLowerCase()}`);
  return `Axis ${number} (${formatPercent(axis.explained, 0)} of variance): ${top.join(', ')}`;
}

/**
 * The personas on a plane (the first two principal components of the standardised features): a sample of users
 * coloured by persona, each persona's centre as a diamond. A highlighted persona stays vivid and the others fade;
 * clicking a point or a centre highlights its persona.
 */
export function ProjectionMap({
  projection,
  personas,
  highlighted,
  onPick,
}: {
  readonly projection: Projection;
  readonly personas: readonly Persona[];
  readonly highlighted: number | null;
  readonly onPick: (index: number) => void;
}) {
  const option = useMemo((): ChartOption => {
    const faded = (index: number) => highlighted !== null && highlighted !== index;
    const pointSeries = personas.map((persona) => ({
      type: 'scatter',
      name: persona.name,
      data: projection.points.filter((p) => p.cluster === persona.name).map((p) => [p.x, p.y]),
      symbolSize: highlighted === persona.index ? 6 : 4,
      itemStyle: { color: personaColour(persona.index), opacity: faded(persona.index) ? 0.08 : 0.6 },
      z: highlighted === persona.index ? 3 : 2,
      emphasis: { disabled: true },
    }));
    const centres = {
      type: 'scatter',
      name: 'Centres',
      data: projection.centres.map((c) => ({
        value: [c.x, c.y],
        name: c.cluster,
        itemStyle: {
          color: personaColour(c.index),
          borderColor: '#1d2330',
          borderWidth: 2,
          opacity: faded(c.index) ? 0.35 : 1,
        },
      })),
      symbol: 'diamond',
      symbolSize: 18,
      z: 5,
      label: { show: true, position: 'top', formatter: '{b}', fontSize: 11, color: '#1d2330' },
      labelLayout: { hideOverlap: true },
      tooltip: { formatter: (params: { name: string }) => `Centre of ${params.name}` },
    };
    const [first, second] = projection.axes;
    return {
      animation: false,
      tooltip: { trigger: 'item', formatter: (params: { seriesName: string }) => params.seriesName },
      legend: { top: 0, type: 'scroll', data: personas.map((p) => p.name) },
      grid: { left: 40, right: 24, top: 64, bottom: 50 },
      xAxis: {
        type: 'value',
        name: axisTitle(1, first),
        nameLocation: 'middle',
        nameGap: 28,
        // At the plot's edges, not through the origin: the centres' labels are easier to read without axes across.
        axisLine: { onZero: false },
        splitLine: { lineStyle: { color: '#eef0f4' } },
      },
      yAxis: {
        type: 'value',
        // Above the axis, written across: a rotated title this long would not fit the chart's height.
        name: axisTitle(2, second),
        nameLocation: 'end',
        nameGap: 14,
        nameTextStyle: { align: 'left' },
        axisLine: { onZero: false },
        splitLine: { lineStyle: { color: '#eef0f4' } },
      },
      series: [...pointSeries, centres],
    };
  }, [projection, personas, highlighted]);

  return (
    <>
      <Chart
        option={option}
        height={460}
        label={`Map of the personas: ${formatInt(projection.sample.size)} sampled users coloured by persona, with each persona's centre`}
        onItemClick={(params) => {
          const picked =
            params.seriesIndex !== undefined && params.seriesIndex < personas.length
              ? personas[params.seriesIndex]
              : personas.find((p) => p.name === params.name);
          if (picked) onPick(picked.index);
        }}
      />
      <p className="small muted">
        {formatInt(projection.sample.size)} of {formatInt(projection.sample.of)} users, sampled at random. Close points
        behave alike; the axes are the two directions along which users differ most.
      </p>
    </>
  );
}
