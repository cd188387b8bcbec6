package store

import "context"

// ExecForTest runs raw SQL on the write connection, for tests of database-level guarantees.
func (s *Store) ExecForTest(ctx context.Context, query string) error {
	_, err := s.write.ExecContext(ctx, query)
	return err
}
