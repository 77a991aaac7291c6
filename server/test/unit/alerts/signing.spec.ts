import { describe, expect, it } from 'vitest';
import { dingTalkSign, dingTalkSignedUrl, feishuSign } from '../../../src/modules/alerts/signing.js';

// Expected values computed outside this code base, with
//   printf '1700000000000\nSEC0123456789abcdef' | openssl dgst -sha256 -hmac 'SEC0123456789abcdef' -binary | base64
//   printf '' | openssl dgst -sha256 -mac HMAC -macopt hexkey:$(printf '1700000000\nfeishu-secret-xyz' | xxd -p | tr -d '\n') -binary | base64
// (and cross-checked with Python's hmac module).
describe('DingTalk signature', () => {
  it('is Base64(HMAC-SHA256(secret, "timestamp\\nsecret"))', () => {
    expect(dingTalkSign('SEC0123456789abcdef', 1_700_000_000_000)).toBe('TSZbRFUuvaSQaRKUpF970OPCb2/LcQAP3wOvwZIzBZk=');
  });

  it('goes on the robot URL as timestamp and URL-encoded sign, keeping the access token', () => {
    const url = dingTalkSignedUrl('https://oapi.dingtalk.com/robot/send?access_token=abc', 'SEC0123456789abcdef', 1_700_000_000_000);
    expect(url).toBe('https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1700000000000&sign=TSZbRFUuvaSQaRKUpF970OPCb2%2FLcQAP3wOvwZIzBZk%3D');
  });
});

describe('Feishu signature', () => {
  it('is Base64(HMAC-SHA256(key "timestamp\\nsecret", empty message)), timestamp in seconds', () => {
    expect(feishuSign('feishu-secret-xyz', 1_700_000_000)).toBe('RpXbw7bncheMXKEHLeETmnhcqsBrZOUBOwyPTuLV4ic=');
  });
});
