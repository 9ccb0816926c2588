// Argument handling shared by the PASETO interop peers (peer_paseto.mjs, peer_paseto_ts.mjs).
// Exit code 2 on usage errors, as the peers document.

export function makeCli(name) {
  const USAGE =
    `usage: ${name} encrypt|sign --version V --key-hex HEX [--footer STR] [--implicit STR] --claims JSON\n` +
    `       ${name} decrypt|verify --version V --key-hex HEX [--footer STR] [--implicit STR] [--iss ISS] [--aud AUD] TOKEN\n` +
    `       ${name} supports VERSION.PURPOSE\n`;

  function usage(msg) {
    if (msg) process.stderr.write(`error: ${msg}\n`);
    process.stderr.write(USAGE);
    process.exit(2);
  }

  function parseArgs(argv) {
    const [cmd, ...rest] = argv;
    const opts = { positional: [] };
    const valued = ['--version', '--key-hex', '--footer', '--implicit', '--claims', '--iss', '--aud'];
    for (let i = 0; i < rest.length; i++) {
      const a = rest[i];
      if (valued.includes(a)) {
        if (i + 1 >= rest.length) usage(`${a} needs a value`);
        opts[a.slice(2)] = rest[++i];
      } else if (a.startsWith('--')) {
        usage(`unknown option ${a}`);
      } else {
        opts.positional.push(a);
      }
    }
    return { cmd, opts };
  }

  function hexToBytes(hex) {
    const h = hex.trim();
    if (!/^([0-9a-fA-F]{2})*$/.test(h)) usage('--key-hex is not an even-length hex string');
    return Buffer.from(h, 'hex');
  }

  // Parses argv and settles the command: `supports V.P` exits here (0, or 3 with the reason);
  // for encrypt/decrypt/sign/verify it checks --version and --key-hex, exits 3 for a
  // version.purpose the package cannot do, and returns what the peer needs.
  function parseCommand(argv, known, unsupported) {
    const { cmd, opts } = parseArgs(argv);
    if (cmd === 'supports') {
      const vp = opts.positional[0];
      if (!known.includes(vp)) usage(`unknown version.purpose ${vp ?? '(none)'}`);
      if (unsupported[vp]) {
        process.stdout.write(unsupported[vp] + '\n');
        process.exit(3);
      }
      process.exit(0);
    }
    const purpose = { encrypt: 'local', decrypt: 'local', sign: 'public', verify: 'public' }[cmd];
    if (!purpose) usage(`unknown command ${cmd ?? '(none)'}`);
    if (!['v2', 'v3', 'v4'].includes(opts.version)) usage('--version must be v2, v3 or v4');
    if (opts['key-hex'] === undefined) usage('--key-hex is required');
    const vp = `${opts.version}.${purpose}`;
    if (unsupported[vp]) {
      process.stderr.write(`error: unsupported: ${unsupported[vp]}\n`);
      process.exit(3);
    }
    return { cmd, opts, purpose, vp };
  }

  return { usage, parseCommand, hexToBytes };
}
