import { expect } from 'chai';
import { isQuantity, milliValue, QuantityError, value } from '../../src/scheduler/quantity.js';

describe('scheduler quantity', () => {
  const milli: Array<[string | number, number]> = [
    ['100m', 100],
    ['2', 2000],
    ['0.5', 500],
    ['.25', 250],
    ['1.5', 1500],
    ['1k', 1_000_000],
    ['1e3', 1_000_000],
    ['1E-3', 1],
    ['250u', 1],
    ['1n', 1],
    ['0', 0],
    [4, 4000],
    [0.1, 100],
  ];
  for (const [input, expected] of milli) {
    it(`reads ${JSON.stringify(input)} as ${expected} thousandths`, () => {
      expect(milliValue(input)).to.equal(expected);
    });
  }

  const whole: Array<[string, number]> = [
    ['1Gi', 1024 ** 3],
    ['512Mi', 512 * 1024 ** 2],
    ['1.5Gi', 1.5 * 1024 ** 3],
    ['128974848', 128974848],
    ['129e6', 129_000_000],
    ['129M', 129_000_000],
    ['123Ki', 123 * 1024],
    ['1k', 1000],
    ['100m', 1],
    ['110', 110],
    ['1T', 1e12],
  ];
  for (const [input, expected] of whole) {
    it(`reads ${input} as ${expected} units, rounded up`, () => {
      expect(value(input)).to.equal(expected);
    });
  }

  it('refuses a quantity beyond a safe integer rather than losing precision', () => {
    expect(() => value('1E')).to.throw(RangeError);
  });

  it('tells "E" (exa) from an exponent', () => {
    expect(milliValue('2E-3')).to.equal(2);
    expect(isQuantity('2E')).to.equal(true);
  });

  it('rounds negative quantities away from zero like Quantity.Value()', () => {
    expect(value('-1500m')).to.equal(-2);
    expect(milliValue('-1500m')).to.equal(-1500);
  });

  for (const bad of ['', 'abc', '1Gb', '1.2.3', 'Mi', '1 Gi', '1ki', '--1']) {
    it(`rejects ${JSON.stringify(bad)}`, () => {
      expect(isQuantity(bad)).to.equal(false);
      expect(() => milliValue(bad)).to.throw(QuantityError);
    });
  }
});
