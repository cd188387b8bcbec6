package store

import (
	"context"
	"fmt"
	"strconv"
)

// SecretAD is the associated data every stored secret is sealed with. It binds the ciphertext to
// its seller and purpose, so a value copied to another row or purpose does not open.
func SecretAD(sellerID int64, purpose string) []byte {
	return []byte("seller:" + strconv.FormatInt(sellerID, 10) + ":" + purpose)
}

// SealedSecret is one stored secret with the row it belongs to.
type SealedSecret struct {
	SellerID int64
	Purpose  string
	KeyID    string
	Sealed   []byte
}

// ResealFunc re-encrypts one secret, returning the new key id and ciphertext.
type ResealFunc func(s SealedSecret) (keyID string, sealed []byte, err error)

// PurposeToken names a cached Shiprocket token (kept in the tokens table).
const PurposeToken = "shiprocket_token"

// ResealSecrets re-encrypts every stored secret, cached tokens included, in one transaction:
// either all move to the new key or none does. It returns how many values were re-encrypted.
func (s *Store) ResealSecrets(ctx context.Context, reseal ResealFunc) (int, error) {
	n := 0
	err := s.tx(ctx, func(tx *wtx) error {
		rows, err := tx.QueryContext(ctx, `SELECT seller_id, purpose, key_id, sealed FROM secrets
			UNION ALL SELECT seller_id, ?, key_id, sealed FROM tokens
			ORDER BY 1, 2`, PurposeToken)
		if err != nil {
			return fmt.Errorf("list secrets: %w", err)
		}
		var all []SealedSecret
		for rows.Next() {
			var sec SealedSecret
			if err := rows.Scan(&sec.SellerID, &sec.Purpose, &sec.KeyID, &sec.Sealed); err != nil {
				rows.Close()
				return fmt.Errorf("list secrets: %w", err)
			}
			all = append(all, sec)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("list secrets: %w", err)
		}

		for _, sec := range all {
			keyID, sealed, err := reseal(sec)
			if err != nil {
				return fmt.Errorf("re-encrypt secret of seller %d (%s): %w", sec.SellerID,
					sec.Purpose, err)
			}
			if sec.Purpose == PurposeToken {
				_, err = tx.ExecContext(ctx, `UPDATE tokens SET key_id = ?, sealed = ?
					WHERE seller_id = ?`, keyID, sealed, sec.SellerID)
			} else {
				_, err = tx.ExecContext(ctx, `UPDATE secrets SET key_id = ?, sealed = ?
					WHERE seller_id = ? AND purpose = ?`, keyID, sealed, sec.SellerID, sec.Purpose)
			}
			if err != nil {
				return fmt.Errorf("update secret: %w", err)
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// SecretCounts returns how many stored secrets (cached tokens included) each vault key id protects.
func (s *Store) SecretCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT key_id, COUNT(*) FROM
		(SELECT key_id FROM secrets UNION ALL SELECT key_id FROM tokens) GROUP BY key_id`)
	if err != nil {
		return nil, fmt.Errorf("count secrets: %w", err)
	}
	defer rows.Close()

	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("count secrets: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}
