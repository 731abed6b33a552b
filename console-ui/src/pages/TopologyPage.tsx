import { Typography } from 'antd';
import { NotAvailable } from '../components/Feedback';

export function TopologyPage() {
  return (
    <div data-testid="topology">
      <Typography.Title level={3}>Topology</Typography.Title>
      <NotAvailable
        feature="The service-to-service call graph"
        missing="it needs call metrics from the sidecars; platform-server has no topology or metrics endpoint"
      />
    </div>
  );
}
