// Package subscription is the domain core of e-mail subscriptions: it
// validates addresses ([Normalize]), signs and checks the links of the
// double opt-in and of unsubscribing ([Signer]), and throttles clients
// ([Limiter]). It does no I/O: internal/bulletin stores subscriptions
// and sends the mails.
package subscription

// The lists one can subscribe to.
const (
	Daily  = "daily"  // the daily roundup
	Weekly = "weekly" // the weekly reading list
)

// ValidList reports whether list names a list one can subscribe to.
func ValidList(list string) bool { return list == Daily || list == Weekly }
