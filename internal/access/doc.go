// Package access is the domain core of access to the JSON API: the plans
// an organisation can have (data, see data/plans.yaml), the format of API
// tokens and how they are hashed for storage, and the quota decision for
// one request given the counts of its windows. It does no I/O: the
// store keeps organisations, token hashes and counts (internal/store),
// and internal/gate counts requests in memory and shares the counts
// through the store.
package access
