// Node's dns and http modules, as a program would use them, for tests/clients.sh:
//
//   node clients.js lookup NAME...   dns.lookup (getaddrinfo, so glibc's NSS)
//   node clients.js resolve NAME...  dns.resolve4 and dns.resolve6 (c-ares: DNS only)
//   node clients.js fetch URL...     http.get
//   node clients.js tls CAFILE URL...  https.get, verifying the name against CAFILE
// One line an argument: "ARG ANSWER" or "ARG !error".
'use strict';
const dns = require('dns').promises;
const fs = require('fs');
const http = require('http');
const https = require('https');

function get(lib, url, options) {
    return new Promise((resolve, reject) => {
        const req = lib.get(url, { timeout: 5000, ...options }, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (d) => (body += d));
            res.on('end', () => resolve(lib === https ? 'ok' : body.trim()));
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', reject);
    });
}

// resolve4 and resolve6 both: the answers of the family that has any.
async function resolveBoth(name) {
    const out = [];
    let error;
    for (const f of [dns.resolve4, dns.resolve6]) {
        try {
            out.push(...(await f.call(dns, name)));
        } catch (e) {
            error = error || e;
        }
    }
    if (out.length === 0) throw error;
    return out.join(',');
}

async function main() {
    const [mode, ...args] = process.argv.slice(2);
    let each;
    if (mode === 'lookup')
        each = async (n) => (await dns.lookup(n, { all: true })).map((a) => a.address).join(',');
    else if (mode === 'resolve') each = resolveBoth;
    else if (mode === 'fetch') each = (u) => get(http, u, {});
    else if (mode === 'tls') {
        const ca = fs.readFileSync(args.shift());
        each = (u) => get(https, u, { ca, agent: false });
    } else throw new Error('unknown mode ' + mode);
    for (const arg of args) {
        let answer;
        try {
            answer = await each(arg);
        } catch (e) {
            answer = '!' + (e.code || e.message);
        }
        console.log(arg + ' ' + answer);
    }
}
main();
