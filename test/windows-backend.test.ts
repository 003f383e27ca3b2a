// The Windows backend where it can run here: under Windows node.exe in Wine
// (npm run test:windows), which has ksuser.dll with only stub old entry
// points, SetupAPI without KS devices, and no *2 functions. On Linux the
// Windows-only cases skip.
import { describe, expect, it } from 'vitest';
import { KsError, capabilities, listDevices, openFilter, openHandleCount, watchDevices } from '../lib/index';

const onWindows = process.platform === 'win32';
const underWine = process.env.KS_UNDER_WINE === '1';

describe('platform', () => {
  // Only a lane that says where it runs can check it (the Windows lane sets KS_EXPECT_PLATFORM=win32): without that
  // the check would compare process.platform with itself.
  const expected = process.env.KS_EXPECT_PLATFORM;
  it.runIf(expected !== undefined)(`runs on process.platform === '${expected}' (KS_EXPECT_PLATFORM)`, () => {
    expect(process.platform).toBe(expected);
  });
});

describe.skipIf(!onWindows)('the Windows backend', () => {
  it('loads ksuser.dll and reports which entry points resolved', () => {
    const caps = capabilities({ backend: 'windows' });
    expect(caps.available.windows).toBe(true);
    expect(Object.keys(caps.entryPoints)).toEqual([
      'KsCreatePin2',
      'KsCreateAllocator2',
      'KsCreateClock2',
      'KsCreateTopologyNode2',
      'KsCreatePin',
      'KsCreateAllocator',
      'KsCreateClock',
      'KsCreateTopologyNode',
    ]);
    expect(caps.entryPoints.KsCreatePin).toBe(true);
    expect(caps.com).not.toBeNull();
  });

  it.skipIf(!underWine)('says the old entry points are in use where the *2 ones are missing (Wine)', () => {
    const caps = capabilities({ backend: 'windows' });
    expect(caps.entryPoints.KsCreatePin2).toBe(false);
    expect(caps.entryPoints.KsCreateAllocator2).toBe(false);
    expect(caps.fallbackInUse).toBe(true);
    // Nothing called a *2 function, so COM was not initialised by the addon.
    expect(caps.com).toEqual({ initializedByAddon: false, apartment: '' });
  });

  it('enumerates KS categories through SetupAPI without error', () => {
    const devices = listDevices({ category: 'AUDIO', backend: 'windows' });
    expect(Array.isArray(devices)).toBe(true);
    if (underWine) expect(devices).toEqual([]);
    for (const d of devices) expect(d.backend).toBe('windows');
  });

  it('fails a device path that does not exist with a clear KsError', () => {
    const before = openHandleCount();
    let e: KsError | undefined;
    try {
      openFilter('\\\\?\\ROOT#MEDIA#0000#{6994ad04-93ef-11d0-a3cc-00a0c9223196}\\does-not-exist', { backend: 'windows' });
    } catch (caught) {
      e = caught as KsError;
    }
    expect(e).toBeInstanceOf(KsError);
    expect(e!.code).toMatch(/^ERROR_(FILE|PATH)_NOT_FOUND$/);
    expect(e!.message).toContain('no device interface at');
    expect(e!.win32).toBeTypeOf('number');
    expect(e!.operation).toBe('open filter');
    expect(openHandleCount()).toBe(before);
  });

  it('watches device interfaces through CM_Register_Notification where cfgmgr32 has it, and says so where not', () => {
    const caps = capabilities({ backend: 'windows' });
    // Wine 8's cfgmgr32 has no CM_Register_Notification: under Wine the refusal is the branch that must run.
    if (underWine) expect(caps.deviceNotifications).toBe(false);
    if (caps.deviceNotifications) {
      const watcher = watchDevices(() => {}, { categories: ['AUDIO', 'CAPTURE'], backend: 'windows' });
      expect(watcher.backend).toBe('windows');
      watcher.ref().unref();
      watcher.close();
      watcher.close();
      expect(watcher.closed).toBe(true);
    } else {
      let e: KsError | undefined;
      try {
        watchDevices(() => {}, { backend: 'windows' });
      } catch (caught) {
        e = caught as KsError;
      }
      expect(e?.code).toBe('ERROR_PROC_NOT_FOUND');
    }
  });
});
