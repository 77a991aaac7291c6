import { Button, Space } from 'antd';
import { useT } from '../i18n/i18n';

/** Keyset paging: a list can go to its next page or back to the first; the cursor is in the URL. */
export function Pager({ cursor, nextCursor, onChange }: { cursor?: string; nextCursor: string | null | undefined; onChange: (cursor: string | undefined) => void }) {
  const t = useT();
  return (
    <Space className="pager">
      <Button disabled={!cursor} onClick={() => onChange(undefined)}>
        {t('common.firstPage')}
      </Button>
      <Button disabled={!nextCursor} onClick={() => onChange(nextCursor ?? undefined)} data-testid="next-page">
        {t('common.nextPage')}
      </Button>
    </Space>
  );
}
