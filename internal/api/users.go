package api

import (
	"net/http"
	"strconv"
	"strings"

	"qloop/internal/auth"
	"qloop/internal/qa"
)

func (h *Handler) me(w http.ResponseWriter, r *http.Request) error {
	u := auth.FromContext(r.Context())
	var perms []auth.Perm
	for _, p := range auth.Perms {
		if u.Can(p) {
			perms = append(perms, p)
		}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"user": u, "permissions": perms})
}

func (h *Handler) listUsers(w http.ResponseWriter, r *http.Request) error {
	us, err := h.Store.Users(r.Context())
	if err != nil {
		return err
	}
	if us == nil {
		us = []auth.User{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"users": us})
}

// userInput is the body of a create or update; pointers tell "not sent" from "empty".
type userInput struct {
	Username *string `json:"username"`
	Name     *string `json:"name"`
	Role     *string `json:"role"`
	AgentID  *string `json:"agent_id"`
	Team     *string `json:"team"`
	Lang     *string `json:"lang"`
	Disabled *bool   `json:"disabled"`
	Password *string `json:"password"`
}

func (in userInput) apply(u *auth.User) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	set(&u.Username, in.Username)
	set(&u.Name, in.Name)
	set(&u.AgentID, in.AgentID)
	set(&u.Team, in.Team)
	set(&u.Lang, in.Lang)
	if in.Role != nil {
		u.Role = auth.Role(*in.Role)
	}
	if in.Disabled != nil {
		u.Disabled = *in.Disabled
	}
}

func (h *Handler) createUser(w http.ResponseWriter, r *http.Request) error {
	var in userInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Password == nil {
		return qa.NewError(qa.EInvalid, "password is required")
	}
	u := &auth.User{Lang: "zh-CN", CreatedAt: h.Now()}
	in.apply(u)
	u.Username = auth.NormalizeUsername(u.Username)
	if err := u.Validate(); err != nil {
		return err
	}
	if err := auth.ValidateUserPassword(u.Username, *in.Password); err != nil {
		return err
	}
	hash, err := auth.HashPassword(*in.Password)
	if err != nil {
		return err
	}
	u.PasswordHash = hash
	if err := h.Store.CreateUser(r.Context(), u); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, u)
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, qa.NewError(qa.EInvalid, "the id in the path must be a positive whole number")
	}
	return id, nil
}

func (h *Handler) updateUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in userInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Username != nil {
		return qa.NewError(qa.EInvalid, "a username cannot change; create a new account instead")
	}
	u, err := h.Store.User(r.Context(), id)
	if err != nil {
		return err
	}
	me := auth.FromContext(r.Context())
	in.apply(u)
	if u.ID == me.ID && (u.Disabled || u.Role != auth.RoleAdmin) {
		return qa.NewError(qa.EInvalid, "you cannot disable yourself or give up your own administrator role; ask another administrator")
	}
	if err := u.Validate(); err != nil {
		return err
	}
	// Check and hash the password before anything is stored: a refused request changes nothing.
	var hash string
	if in.Password != nil {
		if err := auth.ValidateUserPassword(u.Username, *in.Password); err != nil {
			return err
		}
		if hash, err = auth.HashPassword(*in.Password); err != nil {
			return err
		}
	}
	// Both audit themselves; disabling and a new password end the user's sessions and API tokens.
	if err := h.Store.UpdateUser(r.Context(), u); err != nil {
		return err
	}
	if in.Password != nil {
		if _, err := h.Store.ChangePassword(r.Context(), id, hash); err != nil {
			return err
		}
	}
	return writeJSON(w, http.StatusOK, u)
}

func (h *Handler) listTokens(w http.ResponseWriter, r *http.Request) error {
	u := auth.FromContext(r.Context())
	ts, err := h.Store.APITokens(r.Context(), u.ID)
	if err != nil {
		return err
	}
	if ts == nil {
		ts = []auth.APIToken{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"tokens": ts})
}

func (h *Handler) createToken(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if strings.TrimSpace(in.Name) == "" {
		return qa.NewError(qa.EInvalid, "name the token after the script that will use it")
	}
	u := auth.FromContext(r.Context())
	plain, hash := auth.NewAPIToken()
	id, err := h.Store.CreateAPIToken(r.Context(), u.ID, strings.TrimSpace(in.Name), hash)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"id": id, "name": in.Name, "token": plain,
		"note": "store this token now: it is shown only once"})
}

func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := h.Store.RevokeAPIToken(r.Context(), auth.FromContext(r.Context()).ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
