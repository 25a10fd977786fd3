package answer

import "time"

// AnswerOf returns the place answer whose operators and jurisdictions
// lookup's atlas fields (operator, operator_id, jurisdictions) show for
// the match f as of day: that of the place its feed names, or of its
// routed range for a routing match. It is nil when f names neither, or
// when the atlas has no answer for it (then those fields are empty).
// Exports use it so that they carry exactly what lookup shows.
func (j *Joiner) AnswerOf(f *Found, day time.Time) *PlaceAnswer {
	return okAnswer(j.matchAnswer(f, day))
}
