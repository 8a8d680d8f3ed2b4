package api

import "qloop/internal/auth"

// Route is one row of the route table as the end-to-end tests (package api_test) see it.
type Route struct {
	Method, Path string
	Perm         auth.Perm // "" = any signed-in user
}

// Routes returns the whole route table, so that the tests cover every route it will ever hold.
func Routes() []Route {
	var out []Route
	for _, rt := range routes() {
		out = append(out, Route{rt.method, rt.path, rt.perm})
	}
	return out
}
