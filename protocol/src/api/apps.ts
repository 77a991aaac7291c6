/** An app is an executor group: the executors that serve one set of handlers. */
export interface AppDto {
  /** 64-bit id as a decimal string. */
  id: string;
  name: string;
  description: string;
  /** First characters of the current executor token, to tell tokens apart. */
  tokenPrefix: string;
  tokenRotatedAt: string;
  jobCount?: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Returned once, when an app is created or its token rotated. The token is never shown again. */
export interface AppWithTokenDto extends AppDto {
  token: string;
}

export interface CreateAppRequest {
  name: string;
  description?: string;
}

export interface UpdateAppRequest {
  description?: string;
  version?: number;
}
