package data

import _ "embed"

// Plans is the access plans file, data/plans.yaml. Its format is
// described in docs/access.md.
//
//go:embed plans.yaml
var Plans []byte
