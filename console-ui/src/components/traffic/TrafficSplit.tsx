import { useState } from 'react';
import { Col, Empty, Row, Select, Skeleton, Space, Statistic, Typography } from 'antd';
import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ServiceView } from '../../api/types';
import {
  ingressOf,
  nodeTraffic,
  RECENT_POINTS,
  splitCandidates,
  splitMembers,
  splitShares,
  type SplitRow,
  type TrafficWindow,
} from '../../api/traffic';
import { usePoll } from '../../api/usePoll';
import { ErrorAlert } from '../Feedback';
import { clock, LINE_COLOURS, NoTraffic } from './TrafficCharts';

/**
 * How a service's requests divide among its instances behind sidecars, from each sidecar's own ingress count: where a
 * weighted route's 90/10 shows up. Instances without a sidecar are not seen.
 */
export function TrafficSplit({
  services,
  span,
  refreshMillis,
}: {
  services: ServiceView[];
  span: TrafficWindow;
  refreshMillis?: number;
}) {
  const candidates = splitCandidates(services);
  const [chosen, setChosen] = useState<string>();
  const service = candidates.find((s) => s.name === chosen) ?? candidates[0];
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Typography.Text>Service</Typography.Text>
        <Select
          aria-label="Split service"
          style={{ minWidth: 220 }}
          value={service?.name}
          onChange={setChosen}
          disabled={candidates.length === 0}
          placeholder="no service behind a sidecar"
          options={candidates.map((s) => ({ value: s.name, label: `${s.name} (${splitMembers(s).length} with sidecar)` }))}
        />
      </Space>
      {service ? (
        <ServiceSplit key={service.name} service={service} span={span} refreshMillis={refreshMillis} />
      ) : (
        <Empty description="No instance is behind a connected sidecar yet, so no split can be seen" />
      )}
    </>
  );
}

function ServiceSplit({
  service,
  span,
  refreshMillis,
}: {
  service: ServiceView;
  span: TrafficWindow;
  refreshMillis?: number;
}) {
  const members = splitMembers(service);
  const key = `${service.name} ${span} ${members.map((m) => m.nodeId).join(',')}`;
  const traffic = usePoll(() => Promise.all(members.map((m) => nodeTraffic(m.nodeId, span))), key, refreshMillis);
  if (!traffic.data) {
    return traffic.error ? <ErrorAlert error={traffic.error} onRetry={traffic.reload} /> : <Skeleton active />;
  }
  const split = splitShares(members.map((m, i) => ({ label: m.label, traffic: ingressOf(traffic.data![i], service.name) })));
  return (
    <>
      <ErrorAlert error={traffic.error} onRetry={traffic.reload} />
      {split.requests === 0 && split.rows.every((r) => Object.values(r.shares).every((v) => v === null)) ? (
        <NoTraffic what={`No traffic through sidecars to ${service.name} yet`} />
      ) : (
        <Row gutter={16}>
          <Col span={9}>
            <Space direction="vertical" size="middle" style={{ width: '100%' }}>
              {split.shares.map((s, i) => (
                <div key={s.label} data-testid="split-share" data-label={s.label} data-share={s.recentShare}>
                  <Statistic
                    title={s.label}
                    value={s.recentShare}
                    precision={1}
                    suffix="%"
                    valueStyle={{ color: LINE_COLOURS[i % LINE_COLOURS.length] }}
                  />
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {s.windowShare}% of {split.requests} requests over the window
                  </Typography.Text>
                </div>
              ))}
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                Large figures: the latest {RECENT_POINTS} points with traffic.
              </Typography.Text>
            </Space>
          </Col>
          <Col span={15}>
            <ResponsiveContainer width="100%" height={230}>
              <AreaChart data={split.rows} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="at" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={clock} tick={{ fontSize: 11 }} minTickGap={24} />
                <YAxis domain={[0, 100]} unit="%" tick={{ fontSize: 11 }} width={44} />
                <Tooltip labelFormatter={(at) => clock(Number(at))} formatter={(v) => `${v}%`} />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                {split.shares.map((s, i) => (
                  <Area
                    key={s.label}
                    name={s.label}
                    dataKey={(row: SplitRow) => row.shares[s.label]}
                    stackId="split"
                    type="stepAfter"
                    stroke={LINE_COLOURS[i % LINE_COLOURS.length]}
                    fill={LINE_COLOURS[i % LINE_COLOURS.length]}
                    fillOpacity={0.55}
                    isAnimationActive={false}
                  />
                ))}
              </AreaChart>
            </ResponsiveContainer>
          </Col>
        </Row>
      )}
    </>
  );
}
