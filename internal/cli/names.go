package cli

import (
	"flag"
	"fmt"

	"github.com/cloudatlas/cloudatlas/internal/answer"
	"github.com/cloudatlas/cloudatlas/internal/dns"
	"github.com/cloudatlas/cloudatlas/internal/suffix"
)

// namesFlags registers the flags of host name resolution (--resolver,
// --no-resolve, --dns-timeout) and returns a function that builds the
// join's Names from them: a resolver from /etc/resolv.conf or
// --resolver, and the embedded suffix table.
func namesFlags(fs *flag.FlagSet) func() (*answer.Names, error) {
	resolver := fs.String("resolver", "", "resolve host names with this DNS resolver `HOST:PORT` (default: those of /etc/resolv.conf)")
	offline := fs.Bool("no-resolve", false, "do not resolve host names: answer them from the names alone (the suffix table's evidence)")
	timeout := fs.Duration("dns-timeout", dns.DefaultTimeout, "`timeout` of one DNS query")
	return func() (*answer.Names, error) {
		tbl, err := suffix.Embedded()
		if err != nil {
			return nil, fmt.Errorf("suffix table: %w", err)
		}
		n := &answer.Names{Suffixes: tbl}
		if *offline {
			return n, nil
		}
		cfg, err := resolverConfig(*resolver)
		if err != nil {
			return nil, err
		}
		cfg.Timeout = *timeout
		if n.Resolver, err = dns.New(cfg); err != nil {
			return nil, fmt.Errorf("%w: --resolver: %v", errUsage, err)
		}
		return n, nil
	}
}

// resolverConfig returns the resolver configuration: --resolver, else
// the system's.
func resolverConfig(server string) (dns.Config, error) {
	if server != "" {
		cfg, err := dns.ServerConfig(server)
		if err != nil {
			return dns.Config{}, fmt.Errorf("%w: --resolver: %v", errUsage, err)
		}
		return cfg, nil
	}
	cfg, err := dns.SystemConfig(dns.ResolvConf)
	if err != nil {
		return dns.Config{}, fmt.Errorf("no DNS resolver (use --resolver HOST:PORT, or --no-resolve): %w", err)
	}
	return cfg, nil
}
