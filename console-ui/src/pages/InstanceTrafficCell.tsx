import { Space, Typography } from 'antd';
import { describeSeen, instanceTraffic, type InstanceTraffic, type Seen } from '../api/traffic';
import { useLive } from '../api/useLive';

/** How often the rows on screen read their services' instance figures again. */
export const INSTANCE_TRAFFIC_POLL_MS = 10_000;

/**
 * One request per service and poll, however many of its instances are on screen: answers are shared for half a
 * poll interval, and a failed one is not kept.
 */
const shared = new Map<string, { at: number; answer: Promise<InstanceTraffic[]> }>();

export function serviceInstanceTraffic(namespace: string, group: string, service: string): Promise<InstanceTraffic[]> {
  const key = `${namespace}/${group}/${service}`;
  const now = Date.now();
  const hit = shared.get(key);
  if (hit && now - hit.at < INSTANCE_TRAFFIC_POLL_MS / 2) {
    return hit.answer;
  }
  const answer = instanceTraffic(service, namespace || 'public', group, '60s');
  shared.set(key, { at: now, answer });
  answer.catch(() => {
    if (shared.get(key)?.answer === answer) {
      shared.delete(key);
    }
  });
  return answer;
}

/** Forgets the shared answers (tests). */
export function forgetInstanceTraffic() {
  shared.clear();
}

function line(label: string, seen: Seen, testId: string) {
  return (
    <Typography.Text type={seen.errors > 0 ? 'danger' : undefined} data-testid={testId}>
      {label}: {describeSeen(seen)}
    </Typography.Text>
  );
}

/**
 * What the sidecars saw of one registered instance in the last minute: the calls its own sidecar passed in (mesh
 * mode) and the calls the consumers' sidecars sent to it (from mesh-mode consumers, whatever its own mode).
 */
export function InstanceTrafficCell({
  namespace,
  group,
  service,
  address,
  sidecar,
}: {
  namespace: string;
  group: string;
  service: string;
  /** the registry entry's ip:port, as the figures name it */
  address: string;
  /** whether a sidecar reports the instance (without one, nothing passes in through a sidecar of its own) */
  sidecar: boolean;
}) {
  const figures = useLive(
    () => serviceInstanceTraffic(namespace, group, service),
    `${namespace}/${group}/${service}`,
    INSTANCE_TRAFFIC_POLL_MS,
    () => true,
  );
  const row = figures.data?.find((r) => r.address === address);
  if (!row) {
    return (
      <Typography.Text type="secondary" data-testid="instance-traffic-none">
        {figures.error ? 'not available' : figures.loading ? '…' : '—'}
      </Typography.Text>
    );
  }
  return (
    <Space direction="vertical" size={0} data-testid="instance-traffic">
      {sidecar || row.ingress.requests > 0 ? (
        line('through its sidecar', row.ingress, 'traffic-ingress')
      ) : (
        <Typography.Text type="secondary" data-testid="traffic-ingress">
          through its sidecar: no sidecar
        </Typography.Text>
      )}
      {line("from consumers' sidecars", row.fromConsumers, 'traffic-fromConsumers')}
    </Space>
  );
}
