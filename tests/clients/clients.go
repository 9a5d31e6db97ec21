// Go's net package, as a program would use it, for tests/clients.sh:
//
//	clients lookup NAME...           net.LookupIP: "NAME ADDR,ADDR" or "NAME !error"
//	clients tls CAFILE HOST:PORT...  a TLS handshake that verifies HOST against
//	                                 CAFILE: "HOST:PORT ok" or "HOST:PORT !error"
//
// Built twice, with cgo and with CGO_ENABLED=0; GODEBUG=netdns=2 tells on
// stderr which resolver Go chose.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

func lookup(name string) string {
	ips, err := net.LookupIP(name)
	if err != nil {
		return "!" + err.Error()
	}
	var out []string
	for _, ip := range ips {
		out = append(out, ip.String())
	}
	return strings.Join(out, ",")
}

func handshake(roots *x509.CertPool, addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "!" + err.Error()
	}
	dialer := net.Dialer{Timeout: 5 * time.Second}
	conn, err := tls.DialWithDialer(&dialer, "tcp", addr, &tls.Config{RootCAs: roots, ServerName: host})
	if err != nil {
		return "!" + err.Error()
	}
	conn.Close()
	return "ok"
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: clients lookup|tls ...")
		os.Exit(2)
	}
	args := os.Args[2:]
	var each func(string) string
	switch os.Args[1] {
	case "lookup":
		each = lookup
	case "tls":
		pem, err := os.ReadFile(args[0])
		roots := x509.NewCertPool()
		if err != nil || !roots.AppendCertsFromPEM(pem) {
			fmt.Fprintln(os.Stderr, "clients: no CA certificate in", args[0])
			os.Exit(2)
		}
		args = args[1:]
		each = func(addr string) string { return handshake(roots, addr) }
	default:
		fmt.Fprintln(os.Stderr, "clients: unknown mode", os.Args[1])
		os.Exit(2)
	}
	for _, arg := range args {
		fmt.Println(arg, each(arg))
	}
}
