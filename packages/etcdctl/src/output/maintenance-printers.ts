import type { OutputFormat } from '../context.js';
import { goJson } from './go-format.js';
import { int64Of, type GatewayAlarmMember, type GatewayAlarms, type GatewayHeader } from './gateway.js';
import { fieldsHeader } from './kv-printers.js';
import { goHex, NilPointerPanic, render } from './printer.js';

/** etcdserverpb.AlarmType: the gateway writes names, encoding/json numbers. */
const ALARM_TYPES = ['NONE', 'NOSPACE', 'CORRUPT'] as const;

const alarmName = (a: GatewayAlarmMember['alarm']) => (typeof a === 'number' ? (ALARM_TYPES[a] ?? String(a)) : (a ?? 'NONE'));
const alarmNumber = (a: GatewayAlarmMember['alarm']) => (typeof a === 'number' ? a : Math.max(0, ALARM_TYPES.indexOf((a ?? 'NONE') as (typeof ALARM_TYPES)[number])));

/** proto.CompactTextString of an AlarmMember (`%+v` of it): zero fields left out, each field followed by a space. */
function alarmText(a: GatewayAlarmMember): string {
  const id = int64Of(a.memberID);
  return `${id !== 0n ? `memberID:${id} ` : ''}${alarmNumber(a.alarm) !== 0 ? `alarm:${alarmName(a.alarm)} ` : ''}`;
}

/**
 * `alarm list` and `alarm disarm`. The fields printer reads the header without checking
 * it: etcd 3.4 sends none with alarms, so etcdctl panics there, and so does this.
 */
export function printAlarms(format: OutputFormat, resp: GatewayAlarms): string {
  const alarms = resp.alarms ?? [];
  return render(format, {
    simple: () => alarms.map((a) => `${alarmText(a)}\n`).join(''),
    json: () => `${goJson(resp.alarms ? { ...resp, alarms: alarms.map((a) => ({ ...a, alarm: a.alarm === undefined ? undefined : alarmNumber(a.alarm) })) } : resp)}\n`,
    fields: () => {
      if (!resp.header) throw new NilPointerPanic();
      return fieldsHeader(resp.header) + alarms.map((a) => `"MemberID" : ${int64Of(a.memberID)}\n"AlarmType" : ${alarmName(a.alarm)}\n\n`).join('');
    },
  });
}

/** `move-leader`: types.ID's String() is unpadded hex. */
export function printMoveLeader(format: OutputFormat, leader: bigint, target: bigint, resp: { readonly header?: GatewayHeader }): string {
  return render(format, {
    simple: () => `Leadership transferred from ${goHex(leader)} to ${goHex(target)}\n`,
    json: () => `${goJson(resp)}\n`,
  });
}
