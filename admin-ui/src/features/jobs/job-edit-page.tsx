import { Alert, Card, Skeleton } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router';
import { api } from '../../api/client';
import { viewerZone } from '../../common/date-time';
import { errorText } from '../../common/error-text';
import { PageHeader } from '../../common/page-header';
import { useT } from '../../i18n/i18n';
import { JobForm } from './job-form';
import { defaultJobFormValues, formValuesToCreateRequest, jobToFormValues, updateRequestFor, type JobFormValues } from './job-form-model';
import { useApps } from './use-apps';

/** `/jobs/new` and `/jobs/:job/edit`. */
export function JobEditPage() {
  const t = useT();
  const { job: ref } = useParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const apps = useApps();
  const job = useQuery({ queryKey: ['jobs', 'one', ref], queryFn: () => api.jobs.get(ref!), enabled: !!ref });
  const editing = !!ref;
  const submitErrors = (e: unknown) => {
    throw new Error(errorText(e, t));
  };

  const onSubmit = async (values: JobFormValues) => {
    let saved;
    try {
      saved = editing ? await api.jobs.update(job.data!.id, updateRequestFor(job.data!, values)) : await api.jobs.create(formValuesToCreateRequest(values));
    } catch (e) {
      return submitErrors(e);
    }
    await client.invalidateQueries({ queryKey: ['jobs'] });
    navigate(`/jobs/${saved.id}`);
  };

  if (editing && job.error) return <Alert type="error" showIcon title={errorText(job.error, t)} />;
  if (editing && !job.data) return <Skeleton active />;
  const initial = job.data ? jobToFormValues(job.data) : { ...defaultJobFormValues(viewerZone()), app: apps.data?.items.length === 1 ? apps.data.items[0]!.name : '' };
  return (
    <>
      <PageHeader title={editing ? t('job.editTitle', { job: job.data!.key }) : t('job.new')} />
      <Card>
        {(editing || apps.isFetched) && (
          <JobForm
            key={job.data ? `${job.data.id}:${job.data.version}` : 'new'}
            initialValues={initial}
            apps={apps.data?.items.map((a) => a.name) ?? []}
            editing={editing}
            onSubmit={onSubmit}
            onCancel={() => navigate(-1)}
          />
        )}
      </Card>
    </>
  );
}
