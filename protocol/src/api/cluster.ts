export interface ClusterNodeDto {
  id: string;
  advertiseUrl: string;
  version: string;
  hostname: string;
  pid: number;
  startedAt: string;
  lastHeartbeatAt: string;
  /** Heard from within NODE_EXPIRY_MS. */
  alive: boolean;
  leader: boolean;
}

export interface ClusterDto {
  leader: {
    nodeId: string;
    /** Increases with every change of leader; fences writes of older leaders. */
    epoch: string;
    acquiredAt: string;
    expiresAt: string;
  } | null;
  /** The last epoch granted, also when there is no live leader. */
  epoch: string;
  nodes: ClusterNodeDto[];
  /** The database's clock, which lease expiry is measured on. */
  databaseTime: string;
}
