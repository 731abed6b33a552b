import { useState } from 'react';
import { Card, Skeleton, Typography } from 'antd';
import { topology, type TrafficWindow } from '../api/traffic';
import { usePoll } from '../api/usePoll';
import { ErrorAlert, NotAvailable, NothingYet } from '../components/Feedback';
import { WindowSelect } from '../components/WindowSelect';
import { TopologyGraph } from '../topology/TopologyGraph';

export function TopologyPage({ refreshMillis }: { refreshMillis?: number }) {
  const [span, setSpan] = useState<TrafficWindow>('60s');
  const graph = usePoll(() => topology(span), `topology ${span}`, refreshMillis);
  return (
    <div data-testid="topology">
      <Typography.Title level={3}>Topology</Typography.Title>
      {graph.error?.status !== 404 && <ErrorAlert error={graph.error} onRetry={graph.reload} />}
      <Card
        title="Service-to-service calls through sidecars"
        extra={<WindowSelect value={span} onChange={setSpan} refreshedAt={graph.refreshedAt} />}
      >
        {graph.error?.status === 404 ? (
          <NotAvailable feature="The service-to-service call graph" missing="no /api/v1/topology endpoint" />
        ) : graph.loading && !graph.data ? (
          <Skeleton active />
        ) : !graph.data ? (
          <NothingYet text="The call graph could not be loaded" />
        ) : graph.data.edges.length === 0 ? (
          <div data-testid="topology-empty">
            <NothingYet text="No calls through sidecars in this window yet: only calls that pass through a sidecar are seen" />
          </div>
        ) : (
          <TopologyGraph graph={graph.data} />
        )}
      </Card>
    </div>
  );
}
