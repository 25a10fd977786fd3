package dns

import (
	"fmt"
	"net"
	"strings"
	"time"

	mdns "github.com/miekg/dns"
)

// ResolvConf is the system's resolver configuration file.
const ResolvConf = "/etc/resolv.conf"

// SystemConfig reads the nameservers, timeout and attempts of a
// resolv.conf file (path, usually [ResolvConf]) into a Config.
func SystemConfig(path string) (Config, error) {
	cc, err := mdns.ClientConfigFromFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("dns: %s: %w", path, err)
	}
	if len(cc.Servers) == 0 {
		return Config{}, fmt.Errorf("dns: %s: no nameserver line", path)
	}
	cfg := Config{}
	for _, s := range cc.Servers {
		cfg.Servers = append(cfg.Servers, net.JoinHostPort(s, cc.Port))
	}
	if cc.Timeout > 0 {
		cfg.Timeout = time.Duration(cc.Timeout) * time.Second
	}
	if cc.Attempts > 1 {
		cfg.Retries = cc.Attempts - 1
	}
	return cfg, nil
}

// ServerConfig returns a Config for one resolver given as HOST:PORT, or
// as a bare address or host, meaning port 53.
func ServerConfig(server string) (Config, error) {
	if host, port, err := net.SplitHostPort(server); err == nil {
		if host == "" || port == "" {
			return Config{}, fmt.Errorf("dns: resolver %q: want HOST:PORT", server)
		}
		return Config{Servers: []string{server}}, nil
	}
	if server == "" || strings.ContainsAny(server, "[]/ ") {
		return Config{}, fmt.Errorf("dns: resolver %q: want HOST:PORT", server)
	}
	return Config{Servers: []string{net.JoinHostPort(server, "53")}}, nil
}
