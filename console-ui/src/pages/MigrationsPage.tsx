import { Button, Card, Progress, Space, Table, Tag, Typography } from 'antd';
import { Link, Route, Routes, useNavigate } from 'react-router-dom';
import { get } from '../api/client';
import { describeSelector, doneBatches, isMoving, when, type Plan } from '../api/migrations';
import { useLive } from '../api/useLive';
import { useSession } from '../auth/AuthContext';
import { ErrorAlert } from '../components/Feedback';
import { MigrationDetail, StateTag } from '../migrations/MigrationDetail';
import { NewMigration } from '../migrations/NewMigration';

export const LIST_POLL_MS = 2000;

/** /migrations: the plans; /migrations/new: the form; /migrations/:id: one plan. */
export function MigrationsPage() {
  return (
    <div data-testid="migrations">
      <Typography.Title level={3}>Migrations</Typography.Title>
      <Routes>
        <Route index element={<MigrationList />} />
        <Route path="new" element={<NewMigration />} />
        <Route path=":id" element={<MigrationDetail />} />
      </Routes>
    </div>
  );
}

export function MigrationList() {
  const { canWrite } = useSession();
  const navigate = useNavigate();
  const plans = useLive(
    () => get<Plan[]>('/api/v1/migrations'),
    'migrations',
    LIST_POLL_MS,
    (list) => (list ?? []).some(isMoving),
  );
  return (
    <Card>
      <ErrorAlert error={plans.error} onRetry={plans.reload} />
      <Space style={{ marginBottom: 16 }}>
        {canWrite && (
          <Button type="primary" onClick={() => navigate('/migrations/new')}>
            New migration
          </Button>
        )}
        <Button onClick={plans.reload}>Refresh</Button>
        <Typography.Text type="secondary">
          A migration moves chosen instances of one service to mesh or back to SDK in batches, and stops when the
          service&apos;s error rate or latency passes its thresholds.
        </Typography.Text>
      </Space>
      <Table<Plan>
        rowKey="id"
        data-testid="migration-list"
        loading={plans.loading}
        dataSource={plans.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: 'No migration yet' }}
        columns={[
          {
            title: 'Name',
            dataIndex: 'name',
            render: (name: string, p) => <Link to={`/migrations/${encodeURIComponent(p.id)}`}>{name || p.id}</Link>,
          },
          { title: 'State', dataIndex: 'state', render: (s: string) => <StateTag state={s} /> },
          {
            title: 'Progress',
            render: (_, p) => (
              <Space data-testid="progress">
                <Progress
                  percent={p.batches.length ? Math.round((doneBatches(p) * 100) / p.batches.length) : 0}
                  showInfo={false}
                  size="small"
                  style={{ width: 90 }}
                  status={p.state === 'rolled_back' || p.state === 'failed' ? 'exception' : undefined}
                />
                <span style={{ whiteSpace: 'nowrap' }}>{`${doneBatches(p)} / ${p.batches.length} batches`}</span>
              </Space>
            ),
          },
          { title: 'Service', dataIndex: 'service' },
          { title: 'To', dataIndex: 'targetMode', render: (m: string) => <Tag>{m}</Tag> },
          { title: 'Instances', render: (_, p) => describeSelector(p.selector) },
          { title: 'Created by', dataIndex: 'createdBy' },
          { title: 'At', dataIndex: 'createdAt', render: (at: number | string) => when(at) },
        ]}
      />
    </Card>
  );
}
