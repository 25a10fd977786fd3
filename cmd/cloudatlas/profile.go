package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// startProfile writes a CPU profile of the whole run to the file named by
// $CLOUDATLAS_CPUPROFILE, for `go tool pprof`; it returns the function
// that stops it. Without the variable it does nothing.
func startProfile() func() {
	path := os.Getenv("CLOUDATLAS_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "cloudatlas: CLOUDATLAS_CPUPROFILE: %v\n", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
