package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"qloop/internal/qa"
	"qloop/internal/scorecard"
	"qloop/internal/store"
)

func (h *Handler) listScorecards(w http.ResponseWriter, r *http.Request) error {
	list, err := h.Store.Scorecards(r.Context())
	if err != nil {
		return err
	}
	if list == nil {
		list = []store.ScorecardInfo{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"scorecards": list})
}

func queryInt(r *http.Request, key string) (int, error) {
	v := r.URL.Query().Get(key)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, qa.NewError(qa.EInvalid, key+" must be a whole number")
	}
	return n, nil
}

func (h *Handler) getScorecard(w http.ResponseWriter, r *http.Request) error {
	v, err := queryInt(r, "version")
	if err != nil {
		return err
	}
	sc, src, active, err := h.Store.Scorecard(r.Context(), r.PathValue("name"), v)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"scorecard": sc, "active": active, "yaml": string(src)})
}

// importScorecard stores a YAML scorecard sent as the body; mistakes come back with their lines.
func (h *Handler) importScorecard(w http.ResponseWriter, r *http.Request) error {
	src, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		return qa.NewError(qa.EInvalid, "the scorecard must be a YAML body of at most 1 MB")
	}
	sc, err := scorecard.Parse(src, "scorecard.yaml")
	if err != nil {
		return qa.NewError(qa.EInvalid, err.Error())
	}
	v, created, err := h.Store.SaveScorecardAudited(r.Context(), sc, src)
	if err != nil {
		return err
	}
	active := false
	if b := r.URL.Query().Get("activate"); b == "true" || b == "1" {
		if err := h.Store.ActivateScorecardAudited(r.Context(), sc.Name, v); err != nil {
			return err
		}
		active = true
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return writeJSON(w, status, map[string]any{"name": sc.Name, "version": v, "created": created, "active": active})
}

// activateBody is the optional body of an activation; the version may also come as ?version=N.
type activateBody struct {
	Version *int `json:"version"`
}

// activateScorecard makes a version active: the one named in the body or the query (both: they
// must agree), else the latest. A body that is not {"version": N} is refused, never ignored.
func (h *Handler) activateScorecard(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	v, err := queryInt(r, "version")
	if err != nil {
		return err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<10))
	if err != nil {
		return qa.NewError(qa.EInvalid, `the body must be empty or {"version": N}`)
	}
	if len(bytes.TrimSpace(body)) > 0 {
		var in activateBody
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		err := dec.Decode(&in)
		if err == nil && dec.More() {
			err = fmt.Errorf("more after the object")
		}
		if err != nil {
			return qa.NewError(qa.EInvalid, `the body must be empty or {"version": N}: `+err.Error())
		}
		switch {
		case in.Version == nil:
		case *in.Version <= 0:
			return qa.NewError(qa.EInvalid, "version must be a positive whole number, e.g. {\"version\": 2}")
		case v != 0 && v != *in.Version:
			return qa.NewError(qa.EInvalid, fmt.Sprintf("the body names version %d and the query version %d: send one", *in.Version, v))
		default:
			v = *in.Version
		}
	}
	if v == 0 {
		list, err := h.Store.Scorecards(r.Context())
		if err != nil {
			return err
		}
		for _, s := range list {
			if s.Name == name && s.Version > v {
				v = s.Version
			}
		}
		if v == 0 {
			return qa.NewError(qa.ENotFound, "no scorecard "+strconv.Quote(name))
		}
	}
	if err := h.Store.ActivateScorecardAudited(r.Context(), name, v); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"name": name, "version": v, "created": false, "active": true})
}
