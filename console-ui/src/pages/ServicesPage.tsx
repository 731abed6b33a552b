import { useEffect, useMemo, useState } from 'react';
import { Alert, Badge, Button, Card, Input, Popconfirm, Segmented, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { asApiError, call, get, type ApiError } from '../api/client';
import { SIDECAR_KEY, labels } from '../api/inventory';
import type { ModeSwitchAnswer, TargetMode } from '../api/migrations';
import type { InstanceView, ServiceView } from '../api/types';
import { useLive } from '../api/useLive';
import { useSession } from '../auth/AuthContext';
import { ErrorAlert } from '../components/Feedback';
import { InstanceTrafficCell } from './InstanceTrafficCell';
import { MODE_COLOURS } from './OverviewPage';

interface Row extends InstanceView {
  key: string;
  service: string;
  namespace: string;
  group: string;
}

type ModeFilter = 'all' | 'sdk' | 'mesh';

/** How often the inventory is read again while a mode switch is under way. */
export const SWITCH_POLL_MS = 2000;

const address = (i: Pick<InstanceView, 'ip' | 'port'>) => `${i.ip}:${i.port}`;

/** The mode the instance runs in: its sidecar's report when it has one, else the registry's. */
export function currentMode(i: InstanceView): string {
  return i.sidecar?.mode ?? i.mode;
}

/**
 * The mode an instance is being switched to, or undefined: the platform's desired mode (or the one just asked for
 * here, until the inventory shows it) while its sidecar still reports another.
 */
export function switchingTo(i: InstanceView, requested?: string): string | undefined {
  if (!i.sidecar) {
    return undefined;
  }
  const desired = requested ?? i.sidecar.desiredMode ?? undefined;
  return desired && desired !== i.sidecar.mode ? desired : undefined;
}

const SWITCH_EXPLAINED: Record<TargetMode, string> = {
  mesh:
    "Its sidecar takes over the instance's calls: it registers its own ingress address and hands the application " +
    'its egress addresses, so governance rules apply. The new path is up before the old one is dropped; no restart.',
  sdk:
    'Its sidecar steps aside: the application is registered and called at its own address again, and governance ' +
    'rules no longer apply to its traffic. The direct path is up before the mesh path is dropped; no restart.',
};
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
  const [requested, setRequested] = useState<Record<string, TargetMode>>({});
  const [switchErrors, setSwitchErrors] = useState<Record<string, ApiError>>({});
  const [sending, setSending] = useState<string | null>(null);
  const inventory = useLive(
    () => get<ServiceView[]>('/api/v1/inventory/services'),
    'inventory',
    SWITCH_POLL_MS,
    (services) =>
      (services ?? []).some((s) => s.instances.some((i) => switchingTo(i, requested[address(i)]) !== undefined)),
  );
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
  // a switch asked for here is followed through the inventory once the platform shows it (or it is done)
  useEffect(() => {
    const known = new Map(rows.map((r) => [address(r), r]));
    setRequested((before) => {
      const after = Object.fromEntries(
        Object.entries(before).filter(([a, mode]) => {
          const r = known.get(a);
          return r?.sidecar && r.sidecar.desiredMode !== mode && r.sidecar.mode !== mode;
        }),
      );
      return Object.keys(after).length === Object.keys(before).length ? before : after;
    });
  }, [rows]);

  const switchMode = async (r: Row, mode: TargetMode) => {
    const a = address(r);
    setSending(a);
    setSwitchErrors(({ [a]: _, ...rest }) => rest);
    try {
      await call<ModeSwitchAnswer>(`/api/v1/inventory/instances/${a}/mode`, {
        method: 'PUT',
        body: { mode },
      });
      setRequested((before) => ({ ...before, [a]: mode }));
      inventory.reload();
    } catch (e) {
      setSwitchErrors((before) => ({ ...before, [a]: asApiError(e) }));
    } finally {
      setSending(null);
    }
  };

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
          scroll={{ x: 'max-content' }}
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
              render: (m: string, r) => {
                const to = switchingTo(r, requested[address(r)]);
                const reported = r.sidecar?.mode;
                return (
                  <Space size={4}>
                    <Tag color={MODE_COLOURS[m]} data-testid="instance-mode">
                      {m}
                    </Tag>
                    {to ? (
                      <Badge status="processing" text={`switching to ${to}…`} data-testid="switching" />
                    ) : (
                      reported &&
                      reported !== m && (
                        <Tooltip
                          title={`The registry entry says ${m}; its sidecar runs in ${reported} mode. The entry follows when the application registers through the sidecar.`}
                        >
                          <Tag color={MODE_COLOURS[reported]} data-testid="sidecar-mode">
                            sidecar: {reported}
                          </Tag>
                        </Tooltip>
                      )
                    )}
                  </Space>
                );
              },
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
              title: (
                <Tooltip title="Calls the sidecars reported in the last minute: those its own sidecar passed in (mesh mode) and those the consumers' sidecars sent to it (callers in mesh mode). Calls between SDK-mode applications pass no sidecar.">
                  Calls (1 min)
                </Tooltip>
              ),
              render: (_, r) => (
                <InstanceTrafficCell
                  namespace={r.namespace}
                  group={r.group}
                  service={r.service}
                  address={address(r)}
                  sidecar={!!r.sidecar || !!r.metadata?.[SIDECAR_KEY]}
                />
              ),
            },
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
                    fixed: 'right' as const,
                    render: (_: unknown, r: Row) => {
                      const a = address(r);
                      const error = switchErrors[a];
                      const failure = error && (
                        <Alert
                          type="error"
                          showIcon
                          role="alert"
                          data-testid="switch-error"
                          message={error.plain}
                          style={{ marginTop: 4, padding: '2px 8px' }}
                        />
                      );
                      if (!r.sidecar) {
                        return (
                          <>
                            <Tooltip title="Only an instance whose sidecar is connected to this platform can switch modes.">
                              <Typography.Text type="secondary">no sidecar</Typography.Text>
                            </Tooltip>
                            {failure}
                          </>
                        );
                      }
                      if (switchingTo(r, requested[a])) {
                        return <Typography.Text type="secondary">switching…</Typography.Text>;
                      }
                      const to: TargetMode = currentMode(r) === 'mesh' ? 'sdk' : 'mesh';
                      return (
                        <>
                          <Popconfirm
                            title={`Switch ${a} (${r.service}) to ${to === 'mesh' ? 'mesh' : 'SDK'}?`}
                            description={<div style={{ maxWidth: 360 }}>{SWITCH_EXPLAINED[to]}</div>}
                            okText="Switch"
                            onConfirm={() => switchMode(r, to)}
                          >
                            <Button size="small" loading={sending === a}>
                              Switch to {to === 'mesh' ? 'mesh' : 'SDK'}
                            </Button>
                          </Popconfirm>
                          {failure}
                        </>
                      );
                    },
                  },
                ]
              : []),
          ]}
        />
      </Card>
    </div>
  );
}
