package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// startProfile writes a CPU profile of the whole run to the file named by
// $CLOUDATLAS_CPUPROFILE, and at the end of the run a profile of every
// allocation to the file named by $CLOUDATLAS_MEMPROFILE, for `go tool
// pprof`; it returns the function that stops them. Without the variables
// it does nothing.
func startProfile() func() {
	stopCPU := startCPUProfile(os.Getenv("CLOUDATLAS_CPUPROFILE"))
	mem := os.Getenv("CLOUDATLAS_MEMPROFILE")
	if mem != "" {
		runtime.MemProfileRate = 64 << 10
	}
	return func() {
		stopCPU()
		if mem != "" {
			writeHeapProfile(mem)
		}
	}
}

// writeHeapProfile writes the allocation profile to path.
func writeHeapProfile(path string) {
	f, err := os.Create(path)
	if err == nil {
		err = pprof.Lookup("allocs").WriteTo(f, 0)
		f.Close()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "cloudatlas: CLOUDATLAS_MEMPROFILE: %v\n", err)
	}
}

// startCPUProfile starts a CPU profile into path ("" for none) and
// returns the function that stops it.
func startCPUProfile(path string) func() {
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
