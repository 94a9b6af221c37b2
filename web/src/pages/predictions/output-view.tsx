import { useState } from 'react';
import { useApi } from '../../api/use-api';
import { Empty, Loaded } from '../../components/states';
import { DistributionChart } from './distribution-chart';
import { niceStep, type OutputInfo, roundNumber } from './outputs';
import { ThresholdSegment } from './threshold-segment';
import type { Distribution, Threshold } from './types';

/** One model output: its histogram (binned by the server), and a segment at a threshold marked on it. */
export function OutputView({ info }: { readonly info: OutputInfo }) {
  const distribution = useApi<Distribution>(`/api/models/${info.kind}/distribution`, { output: info.output });
  return (
    <Loaded result={distribution} what={`Binning ${info.noun}`}>
      {(data) =>
        data.users === 0 ? (
          <Empty title={`No ${info.noun} scores yet.`}>
            <p>Fit the model to score the users.</p>
          </Empty>
        ) : (
          <OutputDetail info={info} distribution={data} />
        )
      }
    </Loaded>
  );
}

function OutputDetail({ info, distribution }: { readonly info: OutputInfo; readonly distribution: Distribution }) {
  const max = info.probability ? 1 : Math.max(distribution.max ?? 0, 1);
  const step = info.probability ? 0.01 : niceStep(max);
  const [threshold, setThreshold] = useState<Threshold>({
    op: info.op,
    value: info.threshold ?? roundNumber(distribution.quantiles.p90 ?? 0),
  });
  return (
    <>
      <DistributionChart distribution={distribution} info={info} threshold={threshold} />
      <ThresholdSegment
        info={info}
        threshold={threshold}
        onChange={setThreshold}
        range={{ max: Math.ceil(max / step) * step, step }}
        scored={distribution.users}
      />
    </>
  );
}
