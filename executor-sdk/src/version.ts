/** Sent as `sdkVersion` in every handshake. A test keeps it equal to package.json's version. */
export const SDK_VERSION = '0.1.0';
