import { Typography } from 'antd';
import { NotAvailable } from '../components/Feedback';

export function MigrationsPage() {
  return (
    <div data-testid="migrations">
      <Typography.Title level={3}>Migrations</Typography.Title>
      <NotAvailable
        feature="Gray migration plans"
        missing="no /api/v1/migrations endpoint to create, watch, pause, resume or roll back a plan"
      />
    </div>
  );
}
