import { Alert, Empty, Result } from 'antd';
import type { ApiError } from '../api/client';

/** A failed request, in plain words, in place of the content it was meant to show. */
export function ErrorAlert({ error, onRetry }: { error: ApiError | null; onRetry?: () => void }) {
  if (!error) {
    return null;
  }
  return (
    <Alert
      role="alert"
      type="error"
      showIcon
      message={error.plain}
      description={error.code && !error.code.startsWith('HTTP') ? `Error code ${error.code}` : undefined}
      action={onRetry ? <a onClick={onRetry}>Try again</a> : undefined}
      style={{ marginBottom: 16 }}
    />
  );
}

/** A feature whose API this platform server does not offer (yet): said plainly, nothing breaks. */
export function NotAvailable({ feature, missing }: { feature: string; missing: string }) {
  return (
    <Result
      status="info"
      title={`${feature} is not available on this server`}
      subTitle={
        <span data-testid="not-available">
          This platform server has no API for it yet ({missing}). The page will work once the server offers it.
        </span>
      }
    />
  );
}

export function NothingYet({ text }: { text: string }) {
  return <Empty description={text} />;
}
