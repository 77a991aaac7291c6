/** The server's version, reported by every node in the cluster view. */
export const SERVER_VERSION = '0.1.0';
