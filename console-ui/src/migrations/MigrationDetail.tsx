import { useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Popconfirm,
  Progress,
  Space,
  Steps,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { Link, useParams } from 'react-router-dom';
import { asApiError, call, get, type ApiError } from '../api/client';
import {
  STATE_COLOURS,
  actionsFor,
  describeSelector,
  doneBatches,
  isMoving,
  when,
  words,
  type Batch,
  type Plan,
  type PlanAction,
  type PlanInstance,
} from '../api/migrations';
import { describeSeen, instanceTraffic, seenOf, type InstanceTraffic } from '../api/traffic';
import { useLive } from '../api/useLive';
import { useSession } from '../auth/AuthContext';
import { ErrorAlert } from '../components/Feedback';

export const PLAN_POLL_MS = 1000;
/** How often the instances' figures (the last minute) refresh while the plan moves. */
export const SEEN_POLL_MS = 5000;

const STEP_STATUS: Record<string, 'wait' | 'process' | 'finish' | 'error'> = {
  pending: 'wait',
  switching: 'process',
  observing: 'process',
  done: 'finish',
  rolled_back: 'error',
};

const ACTION_LABELS: Record<PlanAction, string> = {
  start: 'Start',
  pause: 'Pause',
  resume: 'Resume',
  rollback: 'Roll back',
};

export function StateTag({ state }: { state: string }) {
  return (
    <Tag color={STATE_COLOURS[state] ?? 'default'} data-testid="state">
      {words(state)}
    </Tag>
  );
}

interface InstanceRow extends PlanInstance {
  batch: number;
}

/**
 * What the sidecars saw of a plan instance in the last minute: towards mesh the plan judges the first (the calls its
 * own sidecar received), towards SDK the second (the mesh-mode consumers' calls to it). Errors show in red.
 */
function seenCell(
  rows: InstanceTraffic[] | undefined,
  failed: boolean,
  instance: PlanInstance,
  which: 'ingress' | 'fromConsumers',
) {
  const row = seenOf(rows, instance);
  if (!row) {
    return <Typography.Text type="secondary">{failed ? 'not available' : '—'}</Typography.Text>;
  }
  const s = row[which];
  return (
    <Typography.Text type={s.errors > 0 ? 'danger' : undefined} data-testid={`seen-${which}`}>
      {describeSeen(s)}
    </Typography.Text>
  );
}

/** One plan: its batches as steps, each instance's state, the events, and the actions its state allows. */
export function MigrationDetail() {
  const { id = '' } = useParams();
  const { canWrite } = useSession();
  const path = `/api/v1/migrations/${encodeURIComponent(id)}`;
  const plan = useLive(() => get<Plan>(path), path, PLAN_POLL_MS, isMoving);
  const service = plan.data?.service;
  const seenKey = service ? `${plan.data?.namespace}/${plan.data?.group}/${service}` : '';
  const seen = useLive<InstanceTraffic[]>(
    () =>
      service
        ? instanceTraffic(service, plan.data?.namespace ?? 'public', plan.data?.group ?? 'DEFAULT_GROUP', '60s')
        : Promise.resolve([]),
    seenKey,
    SEEN_POLL_MS,
    () => isMoving(plan.data),
  );
  const [acting, setActing] = useState<PlanAction | null>(null);
  const [actionError, setActionError] = useState<ApiError | null>(null);

  const act = async (action: PlanAction) => {
    setActing(action);
    setActionError(null);
    try {
      const answer = await call<Plan>(`${path}/${action}`, { method: 'POST' });
      plan.set(answer.data);
    } catch (e) {
      setActionError(asApiError(e));
      plan.reload();
    } finally {
      setActing(null);
    }
  };

  const p = plan.data;
  if (!p) {
    return (
      <Card title="Migration" loading={plan.loading} extra={<Link to="/migrations">Back to migrations</Link>}>
        <ErrorAlert error={plan.error} onRetry={plan.reload} />
      </Card>
    );
  }

  const t = p.thresholds ?? {};
  const instances: InstanceRow[] = p.batches.flatMap((b) => b.instances.map((i) => ({ ...i, batch: b.index })));
  const done = doneBatches(p);
  const actions = canWrite ? actionsFor(p.state) : [];
  const stopped = p.state === 'paused' || p.state === 'rolled_back' || p.state === 'rolling_back' || p.state === 'failed';

  return (
    <div data-testid="migration-detail">
      <Card
        title={
          <Space>
            <span>{p.name}</span>
            <StateTag state={p.state} />
          </Space>
        }
        extra={<Link to="/migrations">Back to migrations</Link>}
        style={{ marginBottom: 16 }}
      >
        <ErrorAlert error={plan.error} onRetry={plan.reload} />
        <ErrorAlert error={actionError} />
        {p.reason && (
          <Alert
            data-testid="migration-reason"
            type={stopped ? (p.state === 'paused' ? 'warning' : 'error') : 'info'}
            showIcon
            message={`${p.state === 'paused' ? 'Paused' : p.state === 'failed' ? 'Failed' : 'Rolled back'}: ${p.reason}`}
            style={{ marginBottom: 16 }}
          />
        )}
        <Descriptions size="small" column={3} style={{ marginBottom: 16 }}>
          <Descriptions.Item label="Service">
            {p.service}
            {p.group && p.group !== 'DEFAULT_GROUP' ? ` (${p.group})` : ''}
          </Descriptions.Item>
          <Descriptions.Item label="Moves to">
            <Tag>{p.targetMode}</Tag>
          </Descriptions.Item>
          <Descriptions.Item label="Instances">{describeSelector(p.selector)}</Descriptions.Item>
          <Descriptions.Item label="Batches">
            {p.batches.length ? `${p.batches.length}, ` : ''}
            {p.batchSize} instance{p.batchSize === 1 ? '' : 's'} each, {p.pauseSeconds} s apart
          </Descriptions.Item>
          <Descriptions.Item label="Thresholds">
            {[
              t.maxErrorRate != null ? `errors ≤ ${+(t.maxErrorRate * 100).toFixed(2)} %` : null,
              t.maxP99Millis != null ? `p99 ≤ ${t.maxP99Millis} ms` : null,
              t.minRequests != null ? `from ${t.minRequests} requests` : null,
            ]
              .filter(Boolean)
              .join(', ') || '—'}
          </Descriptions.Item>
          <Descriptions.Item label="On breach">{p.onBreach === 'pause' ? 'pause' : 'roll back'}</Descriptions.Item>
          <Descriptions.Item label="Created">
            {p.createdBy}, {when(p.createdAt)}
          </Descriptions.Item>
          <Descriptions.Item label="Progress">
            <Progress
              percent={p.batches.length ? Math.round((done * 100) / p.batches.length) : 0}
              format={() => `${done} / ${p.batches.length}`}
              size="small"
              style={{ width: 180 }}
            />
          </Descriptions.Item>
        </Descriptions>
        {actions.length > 0 && (
          <Space data-testid="migration-actions">
            {actions.map((a) =>
              a === 'rollback' ? (
                <Popconfirm
                  key={a}
                  title="Roll back this migration?"
                  description={`Every instance it switched goes back to the mode it had before; the migration stops for good.`}
                  okText="Roll back"
                  okButtonProps={{ danger: true }}
                  onConfirm={() => act(a)}
                >
                  <Button danger loading={acting === a}>
                    {ACTION_LABELS[a]}
                  </Button>
                </Popconfirm>
              ) : (
                <Button key={a} type={a === 'pause' ? 'default' : 'primary'} loading={acting === a} onClick={() => act(a)}>
                  {ACTION_LABELS[a]}
                </Button>
              ),
            )}
          </Space>
        )}
      </Card>
      <Card title="Batches" size="small" style={{ marginBottom: 16 }}>
        {p.batches.length === 0 ? (
          <Typography.Text type="secondary">No batch yet: the plan selects its instances when it starts.</Typography.Text>
        ) : (
          <Steps
            data-testid="batches"
            size="small"
            current={Math.max(0, p.currentBatch)}
            items={p.batches.map((b: Batch) => ({
              title: `Batch ${b.index + 1}`,
              status: STEP_STATUS[b.state] ?? 'wait',
              subTitle: words(b.state),
              description: b.instances.map((i) => i.address).join(', '),
            }))}
          />
        )}
      </Card>
      <Card title="Instances" size="small" style={{ marginBottom: 16 }}>
        <Table<InstanceRow>
          data-testid="plan-instances"
          rowKey="address"
          size="small"
          pagination={false}
          dataSource={instances}
          locale={{ emptyText: 'No instance selected yet' }}
          columns={[
            { title: 'Batch', dataIndex: 'batch', render: (b: number) => b + 1 },
            { title: 'Address', dataIndex: 'address', render: (a: string) => <code>{a}</code> },
            { title: 'Sidecar', dataIndex: 'nodeId', render: (n?: string | null) => n ?? '—' },
            { title: 'Was', dataIndex: 'fromMode', render: (m?: string | null) => m ?? '—' },
            { title: 'State', dataIndex: 'state', render: (s: string) => <StateTag state={s} /> },
            {
              title: 'Through its sidecar (1 min)',
              key: 'ingress',
              render: (_: unknown, i: InstanceRow) => seenCell(seen.data, seen.error != null, i, 'ingress'),
            },
            {
              title: "Consumers' calls to it (1 min)",
              key: 'fromConsumers',
              render: (_: unknown, i: InstanceRow) => seenCell(seen.data, seen.error != null, i, 'fromConsumers'),
            },
          ]}
        />
      </Card>
      <Card title="Events" size="small">
        {p.events.length === 0 ? (
          <Typography.Text type="secondary">Nothing has happened yet.</Typography.Text>
        ) : (
          <Timeline
            data-testid="events"
            items={p.events.map((e) => ({
              children: (
                <span>
                  <Typography.Text type="secondary">{when(e.at)}</Typography.Text> {e.message}
                </span>
              ),
            }))}
          />
        )}
      </Card>
    </div>
  );
}
