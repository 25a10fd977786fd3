// Package chart draws the atlas's pictures as SVG: the ownership graph
// around an entity (a layered drawing, [Graph]) and the market series
// ([LineChart]). It knows nothing of the atlas or of HTTP: callers pass
// names, links and numbers, and get SVG markup whose text is escaped.
//
// Both drawings are deterministic (the same input gives the same bytes),
// so the tests compare them with golden files, and check their geometry:
// every edge of a graph starts and ends on a box, edges cross only when
// they must, and the labels of an axis never overlap.
//
// Text widths are estimated from the characters (CJK characters count as
// wide), without font metrics, on the generous side so that labels fit.
package chart
