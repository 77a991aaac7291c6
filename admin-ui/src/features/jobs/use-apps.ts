import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';

/** Every app (there are few): for pickers and filters. */
export function useApps() {
  return useQuery({ queryKey: ['apps', 'all'], queryFn: () => api.apps.list({ limit: 200 }), staleTime: 30_000 });
}
