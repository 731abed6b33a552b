import { useState } from 'react';
import { Card, List, Modal, Statistic, Tooltip, Typography } from 'antd';
import { useNavigate } from 'react-router-dom';
import { get } from '../../api/client';
import { activeMigrations, migrations, outOfDate, type SidecarStatus } from '../../api/traffic';
import { usePoll } from '../../api/usePoll';
import { ErrorAlert } from '../Feedback';

const short = (digest?: string | null) => (digest ? digest.slice(0, 12) : 'none');

/** Connected sidecars that do not run the rules they should; a click lists them. */
export function SidecarsOutOfDate({ refreshMillis }: { refreshMillis?: number }) {
  const sidecars = usePoll(() => get<SidecarStatus[]>('/api/v1/push/sidecars'), 'sidecars', refreshMillis);
  const [open, setOpen] = useState(false);
  const stale = outOfDate(sidecars.data ?? []);
  return (
    <>
      <Card
        hoverable
        role="button"
        aria-label="Sidecars out of date: show them"
        onClick={() => setOpen(true)}
        data-testid="sidecars-out-of-date"
        style={{ height: '100%' }}
      >
        <Statistic
          title="Sidecars out of date"
          value={sidecars.error && !sidecars.data ? '—' : stale.length}
          suffix={sidecars.data ? `/ ${sidecars.data.length}` : undefined}
          loading={sidecars.loading}
          valueStyle={stale.length > 0 ? { color: '#cf1322' } : undefined}
        />
      </Card>
      <Modal title="Sidecars out of date" open={open} onCancel={() => setOpen(false)} footer={null} width={720}>
        <ErrorAlert error={sidecars.error} onRetry={sidecars.reload} />
        <List
          data-testid="stale-sidecars"
          locale={{ emptyText: 'Every connected sidecar runs the rules it should.' }}
          dataSource={stale}
          renderItem={(s) => (
            <List.Item>
              <List.Item.Meta
                title={s.nodeId}
                description={
                  <>
                    <div>
                      {s.principal}; runs {short(s.configDigest)}, should run {short(s.expectedDigest)}
                    </div>
                    {s.lastNack && (
                      <Typography.Text type="danger">
                        last refusal {s.lastNack.code}: {s.lastNack.message}
                      </Typography.Text>
                    )}
                  </>
                }
              />
            </List.Item>
          )}
        />
      </Modal>
    </>
  );
}

/** Migration plans that are running, paused or rolling back; a click opens the Migrations page. */
export function ActiveMigrations({ refreshMillis }: { refreshMillis?: number }) {
  const plans = usePoll(migrations, 'migrations', refreshMillis);
  const navigate = useNavigate();
  const missing = plans.data === null;
  const active = activeMigrations(plans.data ?? []);
  const value = missing || (plans.error && !plans.data) ? '—' : active.length;
  return (
    <Tooltip
      title={
        missing
          ? 'Migration plans are not available on this server'
          : plans.error
            ? plans.error.plain
            : active.map((p) => `${p.name} (${p.service}, ${p.state.replace('_', ' ')})`).join('; ') || undefined
      }
    >
      <Card
        hoverable
        role="button"
        aria-label="Active migrations: open the migrations page"
        onClick={() => navigate('/migrations')}
        data-testid="active-migrations"
        style={{ height: '100%' }}
      >
        <Statistic
          title="Active migrations"
          value={value}
          loading={plans.loading}
          suffix={missing ? <Typography.Text type="secondary" style={{ fontSize: 12 }}>not available</Typography.Text> : undefined}
        />
      </Card>
    </Tooltip>
  );
}
