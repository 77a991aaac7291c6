import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';

/** Every app (there are few): for pickers and filters. */
export function useApps() {
  return useQuery({ queryKey: ['apps', 'all'], queryFn: () => api.apps.list({ limit: 200 }), staleTime: 30_000 });
}

/** The caller's apps as select options (value and label: the app's name). */
export function useAppOptions(): Array<{ value: string; label: string }> {
  const apps = useApps();
  return apps.data?.items.map((a) => ({ value: a.name, label: a.name })) ?? [];
}
