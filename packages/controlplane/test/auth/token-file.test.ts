import { expect } from 'chai';
import { AuthConfigError, loadTokenFile, parseTokenFile, TokenFileAuthenticator } from '../../src/apiserver/auth/index.js';
import { makeTempDir } from './support/temp-dir.js';

describe('token file (--token-auth-file)', () => {
  describe('good lines', () => {
    it('reads token, user, uid and a quoted list of groups', () => {
      const { users, warnings } = parseTokenFile(
        ['abc123,jane,uid-1,"system:masters,dev"', 'def456,bob,uid-2', 'ghi789,carol,uid-3,ops'].join('\n'),
        'tokens.csv',
      );
      expect(warnings).to.deep.equal([]);
      expect(users.get('abc123')).to.deep.equal({ name: 'jane', uid: 'uid-1', groups: ['system:masters', 'dev'] });
      expect(users.get('def456')).to.deep.equal({ name: 'bob', uid: 'uid-2', groups: [] });
      expect(users.get('ghi789')).to.deep.equal({ name: 'carol', uid: 'uid-3', groups: ['ops'] });
    });

    it('accepts CRLF line ends, blank lines and quotes doubled inside a quoted field', () => {
      const { users } = parseTokenFile('t1,"say ""hi""",u1\r\n\r\nt2,two,u2,"a,b"\r\n', 'tokens.csv');
      expect(users.get('t1')?.name).to.equal('say "hi"');
      expect(users.get('t2')?.groups).to.deep.equal(['a', 'b']);
      expect(users.size).to.equal(2);
    });

    it('skips an empty token and lets a repeated token replace the first, warning about both', () => {
      const { users, warnings } = parseTokenFile(',nobody,u0\nsame,first,u1\nsame,second,u2\n', 'tokens.csv');
      expect(users.has('')).to.equal(false);
      expect(users.get('same')?.name).to.equal('second');
      expect(warnings).to.deep.equal([
        "empty token has been found in token file 'tokens.csv', record number '1'",
        "duplicate token has been found in token file 'tokens.csv', record number '3'",
      ]);
    });
  });

  describe('malformed lines', () => {
    const cases: { name: string; text: string; message: string }[] = [
      {
        name: 'a line with fewer than three columns',
        text: 'good,jane,u1\nshort,bob\n',
        message: "token file 'tokens.csv' must have at least 3 columns (token, user name, user uid), found 2 on line 2",
      },
      {
        name: 'a quote inside an unquoted field',
        text: 'tok,ja"ne,u1\n',
        message: `token file 'tokens.csv': parse error on line 1, column 7: bare " in non-quoted-field`,
      },
      {
        name: 'a quoted field that is never closed',
        text: 'ok,jane,u1\ntok,bob,u2,"dev,ops\n',
        message: `token file 'tokens.csv': parse error on line 2, column 12: extraneous or missing " in quoted-field`,
      },
      {
        name: 'text after a closing quote',
        text: 'tok,"jane"x,u1\n',
        message: `token file 'tokens.csv': parse error on line 1, column 11: extraneous or missing " in quoted-field`,
      },
    ];
    for (const { name, text, message } of cases) {
      it(`rejects ${name}, naming file and line`, () => {
        expect(() => parseTokenFile(text, 'tokens.csv')).to.throw(AuthConfigError, message);
      });
    }
  });

  it('loads from a file and authenticates only the tokens in it', async () => {
    const dir = await makeTempDir();
    try {
      const path = await dir.write('tokens.csv', 'secret-token,admin,admin-uid,"system:masters"\n');
      const authenticator = new TokenFileAuthenticator((await loadTokenFile(path)).users);
      expect(await authenticator.authenticateToken('secret-token')).to.deep.equal({
        name: 'admin',
        uid: 'admin-uid',
        groups: ['system:masters'],
      });
      expect(await authenticator.authenticateToken('secret-token2')).to.equal(null);
    } finally {
      await dir.remove();
    }
  });
});
