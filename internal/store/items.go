package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"qloop/internal/qa"
)

// ItemNames holds the names of scorecard items, by scorecard and item id, so that pages, API
// answers and `qloop stats` can show 结束语 where findings store polite_closing. Build it with
// Store.ItemNames.
type ItemNames struct {
	by   map[string]map[string]string // scorecard → item id → name
	byID map[string][]string          // item id → its distinct names over all scorecards, by scorecard name
}

// ItemNames returns the names of every item of every stored scorecard version: the active version's
// name of an item, else the latest version's that has the item, so a result judged by an old version
// still gets a name.
func (s *Store) ItemNames(ctx context.Context) (ItemNames, error) {
	n := ItemNames{by: map[string]map[string]string{}, byID: map[string][]string{}}
	// The winning version of a name comes last: older first, the active one at the very end.
	rows, err := s.r.QueryContext(ctx, `SELECT name, data FROM scorecards
		ORDER BY name, CASE WHEN active THEN 1 ELSE 0 END, version`)
	if err != nil {
		return n, fmt.Errorf("store: item names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, data string
		if err := rows.Scan(&name, &data); err != nil {
			return n, fmt.Errorf("store: item names: %w", err)
		}
		var sc qa.Scorecard
		if err := json.Unmarshal([]byte(data), &sc); err != nil {
			return n, fmt.Errorf("store: decode scorecard %q: %w", name, err)
		}
		m := n.by[name]
		if m == nil {
			m = map[string]string{}
			n.by[name] = m
		}
		for _, d := range sc.Dimensions {
			for _, it := range d.Items {
				if it.Name != "" {
					m[it.ID] = it.Name
				}
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("store: item names: %w", err)
	}
	cards := make([]string, 0, len(n.by))
	for c := range n.by {
		cards = append(cards, c)
	}
	slices.Sort(cards)
	for _, c := range cards {
		for id, name := range n.by[c] {
			if !slices.Contains(n.byID[id], name) {
				n.byID[id] = append(n.byID[id], name)
			}
		}
	}
	return n, nil
}

// Name is the name of item in scorecard; with scorecard "" (figures over several scorecards) the
// item's names in every scorecard, joined by " / " when they differ. An unknown item is its id.
func (n ItemNames) Name(scorecard, item string) string {
	if name := n.by[scorecard][item]; name != "" {
		return name
	}
	if names := n.byID[item]; len(names) > 0 {
		return strings.Join(names, " / ")
	}
	return item
}

// IDs returns the item ids that s names: an item id as it is, or an item's name in any scorecard
// (ignoring surrounding spaces). A text that names no known item comes back as itself, so filtering
// by it finds nothing rather than everything.
func (n ItemNames) IDs(s string) []string {
	s = strings.TrimSpace(s)
	if _, ok := n.byID[s]; ok || s == "" {
		return []string{s}
	}
	var ids []string
	for _, m := range n.by {
		for id, name := range m {
			if name == s && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	if len(ids) == 0 {
		return []string{s}
	}
	slices.Sort(ids)
	return ids
}

// All returns every known item id with its name (as Name with scorecard ""), by id.
func (n ItemNames) All() [][2]string {
	out := make([][2]string, 0, len(n.byID))
	for id := range n.byID {
		out = append(out, [2]string{id, n.Name("", id)})
	}
	slices.SortFunc(out, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	return out
}
