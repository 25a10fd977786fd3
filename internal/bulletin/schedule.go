package bulletin

import (
	"context"
	"time"

	"github.com/cloudatlas/cloudatlas/internal/digest"
)

// Schedule sends the issues until ctx is done: every day at offset past
// midnight UTC the roundup of the day before, and every Monday at the
// same time the reading list of the week before. It checks every
// minute, so a server started late sends the latest issue due at once;
// a failed send is tried again on the next check (sends are exactly
// once, so trying again never repeats a mail).
func (s *Service) Schedule(ctx context.Context, offset time.Duration) {
	var lastDaily, lastWeekly string
	retryAt := time.Time{}
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		now := s.now()
		if !now.Before(retryAt) {
			day, week := due(now, offset)
			failed := false
			if k := day.Format(time.DateOnly); k != lastDaily {
				if rep, err := s.SendDaily(ctx, day); err != nil {
					s.log.Warn("daily send failed; will try again", "day", k, "err", err)
					failed = true
				} else {
					s.log.Info("daily send", "day", k, "quiet", rep.Quiet, "sent", rep.Sent, "failed", rep.Failed)
					lastDaily = k
				}
			}
			if k := week.String(); k != lastWeekly {
				if rep, err := s.SendWeekly(ctx, week); err != nil {
					s.log.Warn("weekly send failed; will try again", "week", k, "err", err)
					failed = true
				} else {
					s.log.Info("weekly send", "week", k, "sent", rep.Sent, "failed", rep.Failed)
					lastWeekly = k
				}
			}
			if failed {
				retryAt = now.Add(5 * time.Minute)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// due returns the day and the week whose issues are due at now: the
// day before the last send time passed, and the week before the last
// Monday send time passed.
func due(now time.Time, offset time.Duration) (time.Time, digest.Week) {
	today := digest.DayOf(now)
	day := today.AddDate(0, 0, -1)
	if now.Before(today.Add(offset)) {
		day = day.AddDate(0, 0, -1)
	}
	thisWeek := digest.WeekOf(now)
	week := thisWeek.Prev()
	if now.Before(thisWeek.Monday().Add(offset)) {
		week = week.Prev()
	}
	return day, week
}
