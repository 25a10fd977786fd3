// Package audit checks an inventory of infrastructure against a
// sovereignty policy: every asset (an address, a CIDR, a host name or a
// cloud region, from a text list or a Terraform state) is resolved
// through the one join ([answer.Joiner]) to the places that serve it,
// and every rule of the policy is evaluated against those places' atlas
// answers (operators, owners and controllers, jurisdictions and the laws
// that reach them, region launch dates) as of one day.
//
// The package is the domain core of "cloudatlas audit" and of POST
// /v1/audit: it parses policies ([ParsePolicy]) and inventories
// ([ParseInventory]), evaluates them ([Evaluate]) into a [Report], and
// writes reports as text, JSON (the canonical form), SARIF 2.1.0 and
// JUnit XML. It reads and writes only what it is given; the command line
// and the web server own the files, the range data and the resolver.
//
// A rule is evaluated once per place and day, not once per asset: the
// verdicts are memoised like the join's place answers, so an inventory
// of many addresses in few regions costs little more than looking the
// addresses up. docs/audit.md is the policy reference and documents the
// report schema.
package audit
