import { describe, expect, it } from 'vitest';
import {
  isInTimeInterval,
  parseDayOfMonthRange,
  parseLocation,
  parseMonthRange,
  parseTimeRange,
  parseWeekdayRange,
  parseYearRange,
  specContains,
  type TimeIntervalSpec,
} from '../../src/time/intervals.js';

const at = (iso: string) => Date.parse(iso);

describe('parsing', () => {
  it('parses times with inclusive start and exclusive end up to 24:00', () => {
    expect(parseTimeRange('09:00', '17:30')).toEqual({ startMinute: 540, endMinute: 1050 });
    expect(parseTimeRange('00:00', '24:00')).toEqual({ startMinute: 0, endMinute: 1440 });
  });

  it.each([
    [['25:00', '26:00'], "couldn't parse timestamp 25:00, invalid format"],
    [['9:00', '10:00'], "couldn't parse timestamp 9:00, invalid format"],
    [['18:00', '09:00'], 'start time cannot be equal or greater than end time'],
    [['10:00', '10:00'], 'start time cannot be equal or greater than end time'],
    [['', '10:00'], 'both start and end times must be provided'],
  ])('rejects times %j', ([s, e], message) => {
    expect(() => parseTimeRange(s!, e!)).toThrow(message);
  });

  it('parses weekdays, months, years and days of month', () => {
    expect(parseWeekdayRange('Monday:FRIDAY')).toEqual({ begin: 1, end: 5 });
    expect(parseWeekdayRange('sunday')).toEqual({ begin: 0, end: 0 });
    expect(parseMonthRange('may:august')).toEqual({ begin: 5, end: 8 });
    expect(parseMonthRange('1:3')).toEqual({ begin: 1, end: 3 });
    expect(parseYearRange('2020:2022')).toEqual({ begin: 2020, end: 2022 });
    expect(parseDayOfMonthRange('-3:-1')).toEqual({ begin: -3, end: -1 });
    expect(parseDayOfMonthRange('1:-1')).toEqual({ begin: 1, end: -1 });
  });

  it.each([
    [() => parseWeekdayRange('funday'), 'funday is not a valid weekday'],
    [() => parseWeekdayRange('monday:sunday'), 'start day cannot be before end day'],
    [() => parseWeekdayRange('a:b:c'), "couldn't parse range a:b:c, invalid format"],
    [() => parseMonthRange('smarch'), 'smarch is not a valid month'],
    [() => parseMonthRange('august:may'), 'end month may is before start month august'],
    [() => parseYearRange('2022:2020'), 'end year 2020 is before start year 2022'],
    [() => parseYearRange('x'), 'strconv.Atoi: parsing "x": invalid syntax'],
    [() => parseDayOfMonthRange('0'), '0 is not a valid day of the month: out of range'],
    [() => parseDayOfMonthRange('32'), '32 is not a valid day of the month: out of range'],
    [() => parseDayOfMonthRange('-3:5'), 'end day must be negative if start day is negative'],
    [() => parseDayOfMonthRange('10:5'), 'end day 5 is always before start day 10'],
    [() => parseLocation('Mars/Olympus'), 'unknown time zone Mars/Olympus'],
  ])('rejects bad input %#', (fn, message) => {
    expect(fn).toThrow(message);
  });

  it('accepts UTC, Local and IANA names', () => {
    expect(parseLocation('UTC')).toBe('UTC');
    expect(parseLocation('Local')).toBe('Local');
    expect(parseLocation('Europe/Berlin')).toBe('Europe/Berlin');
    expect(parseLocation('')).toBe('UTC');
  });
});

describe('evaluation', () => {
  const business: TimeIntervalSpec = {
    times: [parseTimeRange('09:00', '17:00')],
    weekdays: [parseWeekdayRange('monday:friday')],
  };

  it('matches start inclusive and end exclusive', () => {
    // 2026-11-25 is a Wednesday.
    expect(specContains(business, at('2026-11-25T09:00:00Z'))).toBe(true);
    expect(specContains(business, at('2026-11-25T08:59:59Z'))).toBe(false);
    expect(specContains(business, at('2026-11-25T16:59:59Z'))).toBe(true);
    expect(specContains(business, at('2026-11-25T17:00:00Z'))).toBe(false);
    expect(specContains(business, at('2026-11-28T10:00:00Z'))).toBe(false); // Saturday
  });

  it('counts negative days of month from the end of each month', () => {
    const lastThree: TimeIntervalSpec = { daysOfMonth: [parseDayOfMonthRange('-3:-1')] };
    expect(specContains(lastThree, at('2026-02-26T00:00:00Z'))).toBe(true); // 28-day February
    expect(specContains(lastThree, at('2026-02-25T23:59:59Z'))).toBe(false);
    expect(specContains(lastThree, at('2028-02-27T12:00:00Z'))).toBe(true); // leap year: 27..29
    expect(specContains(lastThree, at('2028-02-26T12:00:00Z'))).toBe(false);
    expect(specContains(lastThree, at('2026-01-29T00:00:00Z'))).toBe(true);
    expect(specContains(lastThree, at('2026-01-28T00:00:00Z'))).toBe(false);
  });

  it('skips ranges that start after the month ends and clamps the rest', () => {
    const from30th: TimeIntervalSpec = { daysOfMonth: [parseDayOfMonthRange('30:31')] };
    expect(specContains(from30th, at('2026-02-28T00:00:00Z'))).toBe(false);
    expect(specContains(from30th, at('2026-04-30T00:00:00Z'))).toBe(true);
    const to31st: TimeIntervalSpec = { daysOfMonth: [parseDayOfMonthRange('25:31')] };
    expect(specContains(to31st, at('2026-02-28T00:00:00Z'))).toBe(true);
  });

  it('evaluates in the given location', () => {
    const morningBerlin: TimeIntervalSpec = {
      times: [parseTimeRange('08:00', '09:00')],
      location: parseLocation('Europe/Berlin'),
    };
    expect(specContains(morningBerlin, at('2026-11-25T07:30:00Z'))).toBe(true); // CET = UTC+1
    expect(specContains(morningBerlin, at('2026-07-01T06:30:00Z'))).toBe(true); // CEST = UTC+2
    expect(specContains(morningBerlin, at('2026-07-01T07:30:00Z'))).toBe(false);
    // Day and weekday also shift with the zone: 23:30 UTC Friday is Saturday in Tokyo.
    const saturdayTokyo: TimeIntervalSpec = { weekdays: [parseWeekdayRange('saturday')], location: 'Asia/Tokyo' };
    expect(specContains(saturdayTokyo, at('2026-11-27T23:30:00Z'))).toBe(true);
    expect(specContains({ weekdays: [parseWeekdayRange('saturday')] }, at('2026-11-27T23:30:00Z'))).toBe(false);
  });

  it('matches months, years, and any spec of an interval', () => {
    const summer2026: TimeIntervalSpec = { months: [parseMonthRange('june:august')], years: [parseYearRange('2026')] };
    expect(specContains(summer2026, at('2026-07-15T00:00:00Z'))).toBe(true);
    expect(specContains(summer2026, at('2027-07-15T00:00:00Z'))).toBe(false);
    expect(specContains(summer2026, at('2026-09-01T00:00:00Z'))).toBe(false);
    expect(isInTimeInterval([summer2026, business], at('2026-11-25T10:00:00Z'))).toBe(true);
    expect(isInTimeInterval([], at('2026-11-25T10:00:00Z'))).toBe(false);
    expect(isInTimeInterval([{}], at('2026-11-25T10:00:00Z'))).toBe(true);
  });
});
