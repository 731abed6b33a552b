import { useState } from 'react';
import { Card, Col, Row, Skeleton, Statistic, Typography } from 'antd';
import { Bar, BarChart, CartesianGrid, Cell, Legend, Pie, PieChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { get } from '../api/client';
import { instancesByMode } from '../api/inventory';
import type { RuleView, ServiceView } from '../api/types';
import { RULE_KINDS } from '../api/types';
import { serviceTraffic, type TrafficWindow } from '../api/traffic';
import { useLoad } from '../api/useLoad';
import { usePoll } from '../api/usePoll';
import { ErrorAlert, NotAvailable, NothingYet } from '../components/Feedback';
import { MODE_COLOURS } from '../components/modeColours';
import { WindowSelect } from '../components/WindowSelect';
import { ActiveMigrations, SidecarsOutOfDate } from '../components/traffic/FleetStatistics';
import { TrafficCharts } from '../components/traffic/TrafficCharts';
import { TrafficSplit } from '../components/traffic/TrafficSplit';

export { MODE_COLOURS };

/** The figures along the top: one height, whether a title takes one line or two. */
const FIGURE = { height: '100%' };

/** The inventory changes more slowly than traffic: asked again less often. */
const INVENTORY_REFRESH_FACTOR = 3;

export function OverviewPage({ refreshMillis }: { refreshMillis?: number }) {
  const [span, setSpan] = useState<TrafficWindow>('60s');
  const inventory = usePoll(
    () => get<ServiceView[]>('/api/v1/inventory/services'),
    'inventory',
    refreshMillis === undefined ? undefined : refreshMillis * INVENTORY_REFRESH_FACTOR,
  );
  const traffic = usePoll(() => serviceTraffic(span), `traffic ${span}`, refreshMillis);
  const rules = useLoad(() => get<RuleView[]>('/api/v1/rules'), 'rules');
  const services = inventory.data ?? [];
  const byMode = instancesByMode(services);
  const total = byMode.reduce((n, m) => n + m.instances, 0);
  const mesh = byMode.find((m) => m.mode === 'mesh')?.instances ?? 0;
  const perService = services.map((s) => ({
    service: s.name,
    mesh: s.meshInstances,
    sdk: s.instances.length - s.meshInstances,
  }));
  const ruleCounts = RULE_KINDS.map((kind) => ({
    kind,
    rules: (rules.data ?? []).filter((r) => r.kind === kind && !r.deleted).length,
  }));

  return (
    <div data-testid="overview">
      <Typography.Title level={3}>Overview</Typography.Title>
      <ErrorAlert error={inventory.error} onRetry={inventory.reload} />
      <ErrorAlert error={rules.error} onRetry={rules.reload} />
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col span={4}>
          <Card style={FIGURE}><Statistic title="Services" value={services.length} loading={inventory.loading} /></Card>
        </Col>
        <Col span={4}>
          <Card style={FIGURE}><Statistic title="Instances" value={total} loading={inventory.loading} /></Card>
        </Col>
        <Col span={4}>
          <Card style={FIGURE}>
            <Statistic
              title="Mesh adoption"
              value={total ? Math.round((100 * mesh) / total) : 0}
              suffix="%"
              loading={inventory.loading}
            />
          </Card>
        </Col>
        <Col span={4}>
          <Card style={FIGURE}><Statistic title="Governance rules" value={(rules.data ?? []).length} loading={rules.loading} /></Card>
        </Col>
        <Col span={4}>
          <SidecarsOutOfDate refreshMillis={refreshMillis} />
        </Col>
        <Col span={4}>
          <ActiveMigrations refreshMillis={refreshMillis} />
        </Col>
      </Row>
      <Card
        title="Traffic through sidecars"
        extra={<WindowSelect value={span} onChange={setSpan} refreshedAt={traffic.refreshedAt} />}
        style={{ marginBottom: 16 }}
        data-testid="traffic"
      >
        {traffic.error?.status === 404 ? (
          <NotAvailable feature="The traffic chart" missing="no /api/v1/metrics endpoint" />
        ) : (
          <>
            <ErrorAlert error={traffic.error} onRetry={traffic.reload} />
            {traffic.data ? <TrafficCharts services={traffic.data} /> : traffic.loading ? <Skeleton active /> : null}
          </>
        )}
      </Card>
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col span={16}>
          <Card title="Traffic split among a service's instances" data-testid="traffic-split">
            {inventory.data ? (
              <TrafficSplit services={services} span={span} refreshMillis={refreshMillis} />
            ) : inventory.loading ? (
              <Skeleton active />
            ) : (
              <NothingYet text="The split needs the inventory, which could not be loaded" />
            )}
          </Card>
        </Col>
        <Col span={8}>
          <Card title="Instances by mode">
            {total === 0 ? (
              <NothingYet text="No instance is registered yet" />
            ) : (
              <ResponsiveContainer width="100%" height={240}>
                <PieChart>
                  <Pie data={byMode} dataKey="instances" nameKey="mode" innerRadius={50} outerRadius={90} label>
                    {byMode.map((m) => (
                      <Cell key={m.mode} fill={MODE_COLOURS[m.mode] ?? '#8c8c8c'} />
                    ))}
                  </Pie>
                  <Tooltip />
                  <Legend />
                </PieChart>
              </ResponsiveContainer>
            )}
          </Card>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col span={12}>
          <Card title="Mesh adoption per service">
            {perService.length === 0 ? (
              <NothingYet text="No service is registered yet" />
            ) : (
              <ResponsiveContainer width="100%" height={240}>
                <BarChart data={perService} layout="vertical" margin={{ left: 40 }}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis type="number" allowDecimals={false} />
                  <YAxis type="category" dataKey="service" width={140} />
                  <Tooltip />
                  <Legend />
                  <Bar dataKey="sdk" stackId="m" fill={MODE_COLOURS.sdk} />
                  <Bar dataKey="mesh" stackId="m" fill={MODE_COLOURS.mesh} />
                </BarChart>
              </ResponsiveContainer>
            )}
          </Card>
        </Col>
        <Col span={12}>
          <Card title="Rules by kind">
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={ruleCounts}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="kind" interval={0} tick={{ fontSize: 11 }} />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Bar dataKey="rules" fill="#13c2c2" />
              </BarChart>
            </ResponsiveContainer>
          </Card>
        </Col>
      </Row>
    </div>
  );
}
