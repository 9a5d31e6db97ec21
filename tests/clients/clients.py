"""Python's socket, urllib and ssl, as a program would use them, for tests/clients.sh:

    python3 clients.py lookup NAME...           socket.getaddrinfo
    python3 clients.py fetch URL...             urllib.request.urlopen
    python3 clients.py tls CAFILE HOST:PORT...  a TLS handshake verifying HOST against CAFILE

One line an argument: "ARG ANSWER" or "ARG !error".
"""
import socket
import ssl
import sys
import urllib.request


def lookup(name):
    seen = []
    for *_, addr in socket.getaddrinfo(name, None, type=socket.SOCK_STREAM):
        if addr[0] not in seen:
            seen.append(addr[0])
    return ",".join(seen)


def fetch(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.read().decode().strip()


def handshake(context, addr):
    host, port = addr.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as s:
        with context.wrap_socket(s, server_hostname=host):
            return "ok"


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "tls":
        context = ssl.create_default_context(cafile=args.pop(0))
        each = lambda a: handshake(context, a)
    else:
        each = {"lookup": lookup, "fetch": fetch}[mode]
    for arg in args:
        try:
            answer = each(arg)
        except Exception as e:
            answer = "!" + (str(e) or type(e).__name__)
        print(arg, answer, flush=True)


main()
