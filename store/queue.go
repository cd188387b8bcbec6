package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The queue's tabs besides one per seller status (whose tab is the status itself).
const (
	TabAll      = ""         // every seller that is not archived
	TabStuck    = "stuck"    // not verified, and no activity for longer than StuckAfter
	TabArchived = "archived" // archived sellers only
)

// The queue's orders.
const (
	SortActivity = "activity" // most recent activity first
	SortCreated  = "created"  // newest sellers first
	SortIdle     = "idle"     // longest without activity first: the most stuck on top
)

// QueueStatuses lists the seller statuses that have a tab, in the order sellers meet them.
var QueueStatuses = []Status{StatusNotStarted, StatusInProgress, StatusAwaitingPassword,
	StatusNeedsAction, StatusCheckPending, StatusVerified}

// QueueFilter selects a page of the review queue. Zero fields select everything that is not
// archived, most recent activity first.
type QueueFilter struct {
	// Tab is TabAll, TabStuck, TabArchived or a seller status.
	Tab string
	// Query matches part of the store name, the contact's name, the login email or the API
	// email, ignoring the case of ASCII letters.
	Query string
	// AssigneeID keeps the sellers of one staff member; Unassigned keeps those of nobody.
	AssigneeID int64
	Unassigned bool
	// Step, when set, keeps the sellers whose furthest step is exactly *Step.
	Step *int
	// Reason keeps the sellers whose status reason is exactly Reason.
	Reason string
	// Sort is SortActivity (the default), SortCreated or SortIdle.
	Sort string
	// StuckAfter is how long without activity makes a seller stuck; 0 means three days.
	StuckAfter time.Duration
	// After is a keyset cursor: the last row of the previous page, in Sort's order.
	After *QueueCursor
	// Limit is the page size: 50 by default, at most 500.
	Limit int

	// probe makes a search test each seller against its matches (see searchProbeAbove) instead
	// of starting from the matches; the store sets it, never a caller.
	probe bool
}

// QueueCursor marks a position in the queue: the sort key of a row (its last activity, or its
// creation for SortCreated) and its id, which breaks ties.
type QueueCursor struct {
	At time.Time
	ID int64
}

// QueueRow is one seller in the queue, with who looks after it and its latest check's outcome.
type QueueRow struct {
	Seller
	AssigneeID   int64
	AssigneeName string
	LastOutcome  string
}

// CursorOf returns the cursor that continues the queue after row in the given order.
func CursorOf(row QueueRow, sort string) QueueCursor {
	if sort == SortCreated {
		return QueueCursor{At: row.CreatedAt, ID: row.ID}
	}
	return QueueCursor{At: row.LastActivityAt, ID: row.ID}
}

const defaultStuckAfter = 3 * 24 * time.Hour

// stuckCutoff is the last-activity time before which a seller counts as stuck.
func (f QueueFilter) stuckCutoff(now time.Time) string {
	after := f.StuckAfter
	if after <= 0 {
		after = defaultStuckAfter
	}
	return formatTime(now.Add(-after))
}

// conditions returns the filter's conditions on sellers (aliased s) and their arguments. The tab
// is left out when withTab is false; counts apply it themselves, once per tab.
func (f QueueFilter) conditions(now time.Time, withTab bool) ([]string, []any) {
	var conds []string
	var args []any

	if withTab {
		switch {
		case f.Tab == TabArchived:
			conds = append(conds, "s.archived_at IS NOT NULL")
		case f.Tab == TabStuck:
			conds = append(conds, "s.archived_at IS NULL", "s.status != ?",
				"s.last_activity_at < ?")
			args = append(args, StatusVerified, f.stuckCutoff(now))
		case slices.Contains(QueueStatuses, Status(f.Tab)):
			conds = append(conds, "s.archived_at IS NULL", "s.status = ?")
			args = append(args, f.Tab)
		default:
			conds = append(conds, "s.archived_at IS NULL")
		}
	}

	if q := strings.TrimSpace(f.Query); f.fullText() {
		// The trigram index finds any substring of three characters or more: the query is
		// one quoted phrase, so none of its characters act as search syntax. Counting the tabs
		// reads every match: a query that matches most sellers ("gmail") takes about half a
		// second at 100,000 sellers. The unary plus keeps SQLite from starting at the matches when probe is set.
		probe := ""
		if f.probe {
			probe = "+"
		}
		conds = append(conds, probe+`s.id IN (SELECT rowid FROM sellers_search
			WHERE sellers_search MATCH ?)`)
		args = append(args, `"`+strings.ReplaceAll(q, `"`, `""`)+`"`)
	} else if q != "" {
		like := "%" + escapeLike(q) + "%"
		conds = append(conds, `(s.store_name LIKE ? ESCAPE '\' OR s.contact_name LIKE ? ESCAPE '\'
			OR s.login_email LIKE ? ESCAPE '\' OR s.api_email LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like, like)
	}
	switch {
	case f.Unassigned:
		conds = append(conds, "s.assignee_id IS NULL")
	case f.AssigneeID != 0:
		conds = append(conds, "s.assignee_id = ?")
		args = append(args, f.AssigneeID)
	}
	if f.Step != nil {
		conds = append(conds, "s.step = ?")
		args = append(args, *f.Step)
	}
	if f.Reason != "" {
		conds = append(conds, "s.status_reason = ?")
		args = append(args, f.Reason)
	}
	return conds, args
}

// order returns the ORDER BY clause of the filter's sort, and the keyset condition that continues
// after its cursor.
func (f QueueFilter) order() (string, string, []any) {
	switch f.Sort {
	case SortCreated:
		return "s.created_at DESC, s.id DESC", "(s.created_at, s.id) < (?, ?)", f.cursorArgs()
	case SortIdle:
		return "s.last_activity_at ASC, s.id ASC", "(s.last_activity_at, s.id) > (?, ?)",
			f.cursorArgs()
	default:
		return "s.last_activity_at DESC, s.id DESC", "(s.last_activity_at, s.id) < (?, ?)",
			f.cursorArgs()
	}
}

func (f QueueFilter) cursorArgs() []any {
	if f.After == nil {
		return nil
	}
	return []any{formatTime(f.After.At), f.After.ID}
}

// searchProbeAbove is how many matches in a tab make a search page walk the tab in its order and
// test each seller against the matches, stopping when the page is full, instead of reading
// every matching seller and sorting them. Reading a seller is a seek into the largest table,
// testing one is a step along an index: with a city's 5,000 matches among 100,000 sellers the
// walk reads about 1,000 index entries and 50 sellers where the other way read 5,000 sellers
// (4 ms against 13 ms with the sqlite3 shell). With few matches the walk would cross most of
// the index for nothing, so it is kept for many. The count says nothing of where the matches
// sit in the order: when they bunch at its far end (the oldest sellers, say) the walk crosses
// most of the index all the same, about 10 ms at 100,000 sellers, which bounds its worst case.
const searchProbeAbove = 1000

// shouldProbe reports whether a page of f's search is cheaper found by walking its tab (see
// searchProbeAbove). The tab counts, which the queue page shows anyway and which are cached,
// say how many sellers of the tab match.
func (s *Store) shouldProbe(ctx context.Context, f QueueFilter) (bool, error) {
	if !f.fullText() {
		return false, nil
	}
	counts, err := s.QueueCounts(ctx, f)
	if err != nil {
		return false, err
	}
	return counts[f.countKey()] > searchProbeAbove, nil
}

// fullText reports whether the filter's search goes through the trigram index.
func (f QueueFilter) fullText() bool {
	return utf8.RuneCountInString(strings.TrimSpace(f.Query)) >= 3
}

// countKey returns the key of the filter's tab in the counts.
func (f QueueFilter) countKey() string {
	switch {
	case f.Tab == TabStuck, f.Tab == TabArchived, slices.Contains(QueueStatuses, Status(f.Tab)):
		return f.Tab
	}
	return TabAll
}

// queueQuery builds the statement that lists the filter's rows in order, limit rows at most (or
// all of them when limit is negative).
func (f QueueFilter) queueQuery(now time.Time, limit int) (string, []any) {
	conds, args := f.conditions(now, true)
	orderBy, keyset, cursor := f.order()
	if f.After != nil {
		conds = append(conds, keyset)
		args = append(args, cursor...)
	}

	query := `SELECT ` + prefixed("s.", sellerColumns) + `, COALESCE(s.assignee_id, 0),
		COALESCE(st.name, ''),
		COALESCE((SELECT c.outcome FROM checks c WHERE c.seller_id = s.id
			ORDER BY c.id DESC LIMIT 1), '')
		FROM sellers s LEFT JOIN staff st ON st.id = s.assignee_id
		WHERE ` + strings.Join(conds, " AND ") + `
		ORDER BY ` + orderBy + ` LIMIT ?`
	return query, append(args, limit)
}

// Queue returns one page of the review queue.
func (s *Store) Queue(ctx context.Context, f QueueFilter) ([]QueueRow, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	var out []QueueRow
	err := s.eachQueueRow(ctx, f, f.Limit, func(r QueueRow) error {
		out = append(out, r)
		return nil
	})
	return out, err
}

// EachQueueRow calls fn for every row the filter selects, in order, ignoring Limit. Rows are read
// one at a time, so an export of 100,000 sellers never holds them all in memory. An error from fn
// stops the walk and is returned.
func (s *Store) EachQueueRow(ctx context.Context, f QueueFilter, fn func(QueueRow) error) error {
	return s.eachQueueRow(ctx, f, -1, fn)
}

func (s *Store) eachQueueRow(ctx context.Context, f QueueFilter, limit int,
	fn func(QueueRow) error) error {
	probe := false
	if limit >= 0 {
		var err error
		if probe, err = s.shouldProbe(ctx, f); err != nil {
			return err
		}
	}
	return s.eachQueueRowAs(ctx, f, limit, probe, fn)
}

// eachQueueRowAs walks the filter's rows, probing as told (see searchProbeAbove).
func (s *Store) eachQueueRowAs(ctx context.Context, f QueueFilter, limit int, probe bool,
	fn func(QueueRow) error) error {
	f.probe = probe
	query, args := f.queueQuery(s.Now(), limit)
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("list queue: %w", err)
	}
	defer rows.Close()

	for rows.Next() {
		var r QueueRow
		scan := func(dest ...any) error {
			return rows.Scan(append(dest, &r.AssigneeID, &r.AssigneeName, &r.LastOutcome)...)
		}
		seller, err := scanSeller(scanFunc(scan))
		if err != nil {
			return fmt.Errorf("list queue: %w", err)
		}
		r.Seller = seller
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list queue: %w", err)
	}
	return nil
}

// queueCounts counts the sellers of each tab for QueueCounts, which caches the result. Without
// a search, the counts read only the queue's indexes.
func (s *Store) queueCounts(ctx context.Context, f QueueFilter) (map[string]int, error) {
	conds, args := f.conditions(s.Now(), false)
	extra := ""
	if len(conds) > 0 {
		extra = " AND " + strings.Join(conds, " AND ")
	}
	if strings.TrimSpace(f.Query) != "" {
		return s.searchCounts(ctx, f, extra, args)
	}
	if len(conds) == 0 {
		return s.tabCounts(ctx, f)
	}

	// One pass over the live sellers, in status order, counts every tab but the archived one.
	counts := map[string]int{}
	rows, err := s.read.QueryContext(ctx, `SELECT s.status, COUNT(*),
		COALESCE(SUM(s.last_activity_at < ?), 0)
		FROM sellers s WHERE s.archived_at IS NULL`+extra+` GROUP BY s.status`,
		append([]any{f.stuckCutoff(s.Now())}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("count queue: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var status string
		var n, idle int
		if err := rows.Scan(&status, &n, &idle); err != nil {
			return nil, fmt.Errorf("count queue: %w", err)
		}
		counts[status] = n
		counts[TabAll] += n
		if Status(status) != StatusVerified {
			counts[TabStuck] += idle
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count queue: %w", err)
	}

	var archived int
	err = s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM sellers s
		WHERE s.archived_at IS NOT NULL`+extra, args...).Scan(&archived)
	if err != nil {
		return nil, fmt.Errorf("count archived: %w", err)
	}

	counts[TabArchived] = archived
	return counts, nil
}

// tabCounts counts the tabs of the whole queue from seller_counts, which triggers keep, instead
// of reading every seller. The Stuck tab is the live sellers that are not verified, less those
// of them active since the cutoff, which the activity index finds in a short range.
func (s *Store) tabCounts(ctx context.Context, f QueueFilter) (map[string]int, error) {
	counts := map[string]int{TabArchived: 0}
	rows, err := s.read.QueryContext(ctx, `SELECT status, live, SUM(n) FROM seller_counts
		GROUP BY status, live`)
	if err != nil {
		return nil, fmt.Errorf("count queue: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var status string
		var live bool
		var n int
		if err := rows.Scan(&status, &live, &n); err != nil {
			return nil, fmt.Errorf("count queue: %w", err)
		}
		switch {
		case !live:
			counts[TabArchived] += n
		case n > 0:
			counts[status] = n
			counts[TabAll] += n
			if Status(status) != StatusVerified {
				counts[TabStuck] += n
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count queue: %w", err)
	}

	var recent int
	err = s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM sellers s
		WHERE s.archived_at IS NULL AND s.last_activity_at >= ? AND s.status != ?`,
		f.stuckCutoff(s.Now()), StatusVerified).Scan(&recent)
	if err != nil {
		return nil, fmt.Errorf("count recent sellers: %w", err)
	}
	counts[TabStuck] -= recent
	return counts, nil
}

// searchCounts counts every tab, the archived one included, in one pass over the sellers a
// search matches. Finding the matches is most of a search's cost (15 ms for a city's 5,000
// sellers at 100,000), and counting the archived tab apart would find them twice.
func (s *Store) searchCounts(ctx context.Context, f QueueFilter, extra string,
	args []any) (map[string]int, error) {
	counts := map[string]int{TabArchived: 0}
	rows, err := s.read.QueryContext(ctx, `SELECT s.status, s.archived_at IS NOT NULL,
		COUNT(*), COALESCE(SUM(s.last_activity_at < ?), 0)
		FROM sellers s WHERE 1`+extra+` GROUP BY 1, 2`,
		append([]any{f.stuckCutoff(s.Now())}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("count search: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var status string
		var archived bool
		var n, idle int
		if err := rows.Scan(&status, &archived, &n, &idle); err != nil {
			return nil, fmt.Errorf("count search: %w", err)
		}
		if archived {
			counts[TabArchived] += n
			continue
		}
		counts[status] = n
		counts[TabAll] += n
		if Status(status) != StatusVerified {
			counts[TabStuck] += idle
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count search: %w", err)
	}
	return counts, nil
}

// QueueSummary is the strip above the queue: where sellers are, how long verification takes, and
// what is blocking sellers lately. Archived sellers are left out of the funnel and the reasons.
type QueueSummary struct {
	// Started is how many sellers there are; Reached[n] how many of them got to step n or further
	// (index 0 unused; the last index is the credentials form); Verified how many are verified.
	Started  int
	Reached  []int
	Verified int
	// MedianToVerified is the median time from start to first verification of the sellers first
	// verified within MedianWindow; MedianOf is how many sellers that is (0: no median).
	MedianToVerified time.Duration
	MedianOf         int
	// Reasons counts the sellers needing action, by reason, among those checked within
	// ReasonsWindow; the most common first.
	Reasons []ReasonCount
}

// ReasonCount is how many sellers need action for one reason.
type ReasonCount struct {
	Reason  string
	Sellers int
}

// The windows of the summary's figures.
const (
	MedianWindow  = 30 * 24 * time.Hour
	ReasonsWindow = 7 * 24 * time.Hour
)

// summary computes the queue's summary strip for Summary, which caches the result.
func (s *Store) summary(ctx context.Context, maxStep int) (QueueSummary, error) {
	now := s.Now()
	sum := QueueSummary{Reached: make([]int, maxStep+1)}

	if err := s.funnel(ctx, &sum, maxStep); err != nil {
		return QueueSummary{}, err
	}
	if err := s.medianToVerified(ctx, &sum, now.Add(-MedianWindow)); err != nil {
		return QueueSummary{}, err
	}
	reasons, err := s.failureReasons(ctx, now.Add(-ReasonsWindow))
	if err != nil {
		return QueueSummary{}, err
	}
	sum.Reasons = reasons
	return sum, nil
}

func (s *Store) funnel(ctx context.Context, sum *QueueSummary, maxStep int) error {
	rows, err := s.read.QueryContext(ctx, `SELECT step, SUM(n) FROM seller_counts
		WHERE live = 1 GROUP BY step`)
	if err != nil {
		return fmt.Errorf("count sellers per step: %w", err)
	}
	defer rows.Close()

	for rows.Next() {
		var step, n int
		if err := rows.Scan(&step, &n); err != nil {
			return fmt.Errorf("count sellers per step: %w", err)
		}
		sum.Started += n
		for i := 1; i <= min(step, maxStep); i++ {
			sum.Reached[i] += n
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("count sellers per step: %w", err)
	}

	err = s.read.QueryRowContext(ctx, `SELECT COALESCE(SUM(n), 0) FROM seller_counts
		WHERE live = 1 AND status = ?`, StatusVerified).Scan(&sum.Verified)
	if err != nil {
		return fmt.Errorf("count verified sellers: %w", err)
	}
	return nil
}

// medianToVerified reads the start and first verification of the sellers first verified since
// then, from the index that holds both, and takes the median of the differences.
func (s *Store) medianToVerified(ctx context.Context, sum *QueueSummary, since time.Time) error {
	rows, err := s.read.QueryContext(ctx, `SELECT created_at, first_verified_at FROM sellers
		WHERE first_verified_at >= ?`, formatTime(since))
	if err != nil {
		return fmt.Errorf("time to verified: %w", err)
	}
	defer rows.Close()

	var spans []time.Duration
	for rows.Next() {
		var created, verified string
		if err := rows.Scan(&created, &verified); err != nil {
			return fmt.Errorf("time to verified: %w", err)
		}
		spans = append(spans, max(0, parseTime(verified).Sub(parseTime(created))))
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("time to verified: %w", err)
	}

	sum.MedianOf = len(spans)
	sum.MedianToVerified = median(spans)
	return nil
}

// median returns the middle value of spans (the mean of the two middle values for an even
// count), or 0 for none. It sorts spans in place.
func median(spans []time.Duration) time.Duration {
	if len(spans) == 0 {
		return 0
	}
	slices.Sort(spans)
	mid := len(spans) / 2
	if len(spans)%2 == 1 {
		return spans[mid]
	}
	return spans[mid-1] + (spans[mid]-spans[mid-1])/2
}

func (s *Store) failureReasons(ctx context.Context, since time.Time) ([]ReasonCount, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT status_reason, COUNT(*) FROM sellers
		WHERE archived_at IS NULL AND status = ? AND last_checked_at >= ?
		GROUP BY status_reason ORDER BY COUNT(*) DESC, status_reason`,
		StatusNeedsAction, formatTime(since))
	if err != nil {
		return nil, fmt.Errorf("count failure reasons: %w", err)
	}
	defer rows.Close()

	var out []ReasonCount
	for rows.Next() {
		var r ReasonCount
		if err := rows.Scan(&r.Reason, &r.Sellers); err != nil {
			return nil, fmt.Errorf("count failure reasons: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
