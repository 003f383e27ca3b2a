/**
 * What a native WaveRT engine reports (native.waveRtInfo, native/napi/wavert_streams.cpp), by name: the one place
 * its array's layout is written, for the capture stream and the render stream alike.
 */
import { native } from '../addon/binding';

export interface WaveRtEngineInfo {
  glitches: number;
  silenceBytes: number;
  droppedBytes: number;
  wakeups: number;
  services: number;
  movedBytes: number;
  failureKind: number;
  failureValue: number;
  lostBytes: number;
  stalls: number;
  glitchesAfterStall: number;
  longestGapMs: number;
  passCpuMs: number;
}

export const NO_WAVERT_INFO: Readonly<WaveRtEngineInfo> = Object.freeze({
  glitches: 0, silenceBytes: 0, droppedBytes: 0, wakeups: 0, services: 0, movedBytes: 0, failureKind: 0, failureValue: 0,
  lostBytes: 0, stalls: 0, glitchesAfterStall: 0, longestGapMs: 0, passCpuMs: 0,
});

export function readWaveRtInfo(streamId: number): WaveRtEngineInfo {
  const [glitches, silenceBytes, droppedBytes, wakeups, services, movedBytes, failureKind, failureValue, lostBytes, stalls, glitchesAfterStall, gapNs, cpuNs] =
    native.waveRtInfo(streamId);
  return {
    glitches, silenceBytes, droppedBytes, wakeups, services, movedBytes, failureKind, failureValue, lostBytes, stalls, glitchesAfterStall,
    longestGapMs: gapNs / 1e6, passCpuMs: cpuNs / 1e6,
  };
}
