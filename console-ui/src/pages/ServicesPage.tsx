import { useMemo, useState } from 'react';
import { Badge, Button, Card, Input, Segmented, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { get } from '../api/client';
import { SIDECAR_KEY, labels } from '../api/inventory';
import type { InstanceView, ServiceView } from '../api/types';
import { useLoad } from '../api/useLoad';
import { useSession } from '../auth/AuthContext';
import { ErrorAlert } from '../components/Feedback';
import { MODE_COLOURS } from './OverviewPage';

interface Row extends InstanceView {
  key: string;
  service: string;
  namespace: string;
  group: string;
}

type ModeFilter = 'all' | 'sdk' | 'mesh';
type HealthFilter = 'all' | 'healthy' | 'unhealthy';

/** Whether an instance matches the search text: service, address, cluster, protocol or any label. */
export function matches(row: Row, text: string): boolean {
  const needle = text.trim().toLowerCase();
  if (!needle) {
    return true;
  }
  const haystack = [
    row.service,
    `${row.ip}:${row.port}`,
    row.cluster,
    row.protocol ?? '',
    ...Object.entries(row.metadata ?? {}).map(([k, v]) => `${k}=${v}`),
  ];
  return haystack.some((h) => h.toLowerCase().includes(needle));
}

export function ServicesPage() {
  const { canWrite } = useSession();
  const inventory = useLoad(() => get<ServiceView[]>('/api/v1/inventory/services'), 'inventory');
  const [text, setText] = useState('');
  const [mode, setMode] = useState<ModeFilter>('all');
  const [health, setHealth] = useState<HealthFilter>('all');

  const rows = useMemo<Row[]>(
    () =>
      (inventory.data ?? []).flatMap((s) =>
        s.instances.map((i) => ({
          ...i,
          key: `${s.namespace}/${s.group}/${s.name}/${i.ip}:${i.port}`,
          service: s.name,
          namespace: s.namespace,
          group: s.group,
        })),
      ),
    [inventory.data],
  );
  const shown = rows.filter(
    (r) =>
      matches(r, text) &&
      (mode === 'all' || r.mode === mode) &&
      (health === 'all' || (health === 'healthy') === r.healthy),
  );

  return (
    <div data-testid="services">
      <Typography.Title level={3}>Services and instances</Typography.Title>
      <ErrorAlert error={inventory.error} onRetry={inventory.reload} />
      <Card>
        <Space style={{ marginBottom: 16 }} wrap>
          <Input.Search
            placeholder="Search service, address or label (e.g. version=2)"
            allowClear
            style={{ width: 380 }}
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-label="Search instances"
          />
          <Segmented<ModeFilter>
            options={[
              { label: 'All modes', value: 'all' },
              { label: 'SDK', value: 'sdk' },
              { label: 'Mesh', value: 'mesh' },
            ]}
            value={mode}
            onChange={setMode}
          />
          <Segmented<HealthFilter>
            options={[
              { label: 'Any health', value: 'all' },
              { label: 'Healthy', value: 'healthy' },
              { label: 'Unhealthy', value: 'unhealthy' },
            ]}
            value={health}
            onChange={setHealth}
          />
          <Button onClick={inventory.reload}>Refresh</Button>
          <Typography.Text type="secondary">
            {shown.length} of {rows.length} instances
          </Typography.Text>
        </Space>
        <Table<Row>
          rowKey="key"
          size="middle"
          loading={inventory.loading}
          dataSource={shown}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: rows.length ? 'No instance matches the filters' : 'No instance is registered yet' }}
          columns={[
            {
              title: 'Service',
              dataIndex: 'service',
              sorter: (a, b) => a.service.localeCompare(b.service),
              render: (name: string, r) => (
                <Tooltip title={`namespace ${r.namespace || 'public'}, group ${r.group}`}>{name}</Tooltip>
              ),
            },
            { title: 'Address', render: (_, r) => <code>{`${r.ip}:${r.port}`}</code> },
            {
              title: 'Mode',
              dataIndex: 'mode',
              render: (m: string) => (
                <Tag color={MODE_COLOURS[m]} data-testid="instance-mode">
                  {m}
                </Tag>
              ),
            },
            {
              title: 'Health',
              render: (_, r) => (
                <Badge
                  status={r.healthy ? (r.enabled ? 'success' : 'default') : 'error'}
                  text={r.healthy ? (r.enabled ? 'healthy' : 'disabled') : 'unhealthy'}
                />
              ),
            },
            { title: 'Protocol', dataIndex: 'protocol', render: (p?: string) => p ?? '—' },
            {
              title: 'Labels',
              render: (_, r) => (
                <Space size={[0, 4]} wrap>
                  {Object.entries(labels(r)).map(([k, v]) => (
                    <Tag key={k}>{`${k}=${v}`}</Tag>
                  ))}
                </Space>
              ),
            },
            {
              title: 'Sidecar',
              render: (_, r) => (r.metadata?.[SIDECAR_KEY] ? <code>{r.metadata[SIDECAR_KEY]}</code> : '—'),
            },
            {
              title: 'Sidecar version / config digest',
              render: (_, r) =>
                r.sidecar ? (
                  <Space size={4} data-testid="sidecar-report">
                    <span>{r.sidecar.version ?? '—'}</span>
                    <Tooltip title={r.sidecar.configDigest ?? 'no configuration yet'}>
                      <code>{(r.sidecar.configDigest ?? '—').slice(0, 12)}</code>
                    </Tooltip>
                    <Tag color={r.sidecar.upToDate ? 'green' : 'orange'}>
                      {r.sidecar.upToDate ? 'up to date' : 'out of date'}
                    </Tag>
                  </Space>
                ) : (
                  <Tooltip title="No sidecar connected to this platform's push stream reports this instance.">
                    <Typography.Text type="secondary">not reported</Typography.Text>
                  </Tooltip>
                ),
            },
            ...(canWrite
              ? [
                  {
                    title: 'Actions',
                    render: (_: unknown, r: Row) => (
                      <Tooltip title="This platform server has no instance-mode API yet, so modes cannot be switched from the console.">
                        <Button size="small" disabled>
                          Switch to {r.mode === 'mesh' ? 'SDK' : 'mesh'}
                        </Button>
                      </Tooltip>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
    </div>
  );
}
