import { Segmented, Space, Typography } from 'antd';
import { WINDOWS, type TrafficWindow } from '../api/traffic';

/** The time window of the traffic charts, and when they were last refreshed. */
export function WindowSelect({
  value,
  onChange,
  refreshedAt,
}: {
  value: TrafficWindow;
  onChange: (w: TrafficWindow) => void;
  refreshedAt?: number | null;
}) {
  return (
    <Space>
      {refreshedAt ? (
        <Typography.Text type="secondary" data-testid="refreshed-at">
          updated {new Date(refreshedAt).toLocaleTimeString()}
        </Typography.Text>
      ) : null}
      <Segmented<TrafficWindow>
        aria-label="Time window"
        size="small"
        value={value}
        onChange={onChange}
        options={WINDOWS.map((w) => ({ label: w.label, value: w.value }))}
      />
    </Space>
  );
}
