import { Col, Row, Typography } from 'antd';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { chartRows, noTraffic, type ChartRow, type Metric, type ServiceTraffic } from '../../api/traffic';
import { NothingYet } from '../Feedback';

/** Colours of the lines, by a service's place in the name order (stable across refreshes). */
export const LINE_COLOURS = ['#2f54eb', '#13c2c2', '#eb2f96', '#fa8c16', '#52c41a', '#722ed1', '#a0d911', '#8c8c8c'];

/** At most this many lines per chart: the busiest services. */
export const MAX_LINES = LINE_COLOURS.length;

const CHARTS: { metric: Metric; title: string; unit: string }[] = [
  { metric: 'rps', title: 'Request rate', unit: 'req/s' },
  { metric: 'errorRate', title: 'Error rate', unit: '%' },
  { metric: 'p99Millis', title: 'p99 latency', unit: 'ms' },
];

export const clock = (at: number) => new Date(at).toLocaleTimeString([], { hour12: false });

/** The busiest services, in name order. */
export function shown(services: ServiceTraffic[]): ServiceTraffic[] {
  return [...services]
    .sort((a, b) => b.requests - a.requests || a.service.localeCompare(b.service))
    .slice(0, MAX_LINES)
    .sort((a, b) => a.service.localeCompare(b.service));
}

/** Request rate, error rate and p99 latency of each service over the window, one line per service. */
export function TrafficCharts({ services }: { services: ServiceTraffic[] }) {
  const lines = shown(services);
  if (noTraffic(services)) {
    return <NoTraffic />;
  }
  return (
    <>
      <Row gutter={16}>
        {CHARTS.map((c) => (
          <Col span={8} key={c.metric}>
            <MetricChart title={c.title} unit={c.unit} rows={chartRows(lines, c.metric)} services={lines} />
          </Col>
        ))}
      </Row>
      {services.length > lines.length && (
        <Typography.Text type="secondary">
          The {lines.length} busiest of {services.length} services.
        </Typography.Text>
      )}
    </>
  );
}

export function NoTraffic({ what = 'No traffic through sidecars yet' }: { what?: string }) {
  return (
    <div data-testid="no-traffic">
      <NothingYet text={`${what}: only calls that pass through a sidecar are counted (SDK-to-SDK calls are not seen)`} />
    </div>
  );
}

function MetricChart({
  title,
  unit,
  rows,
  services,
}: {
  title: string;
  unit: string;
  rows: ChartRow[];
  services: ServiceTraffic[];
}) {
  return (
    <div data-testid={`chart-${title}`} aria-label={`${title} per service, ${unit}`}>
      <Typography.Text strong>
        {title} <Typography.Text type="secondary">({unit})</Typography.Text>
      </Typography.Text>
      <ResponsiveContainer width="100%" height={200}>
        <LineChart data={rows} margin={{ top: 8, right: 8, left: 0, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="at" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={clock} tick={{ fontSize: 11 }} minTickGap={24} />
          <YAxis tick={{ fontSize: 11 }} width={44} allowDecimals />
          <Tooltip labelFormatter={(at) => clock(Number(at))} formatter={(v) => `${v} ${unit}`} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {services.map((s, i) => (
            <Line
              key={s.service}
              name={s.service}
              dataKey={(row: ChartRow) => row.values[s.service]}
              stroke={LINE_COLOURS[i % LINE_COLOURS.length]}
              dot={false}
              strokeWidth={2}
              isAnimationActive={false}
              connectNulls={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
