// Package i18n holds the console's messages: Simplified Chinese first, English second, both embedded.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Languages the console speaks; the first is the default.
var Languages = []string{"zh-CN", "en"}

//go:embed locales/*.json
var files embed.FS

// Catalog translates message ids.
type Catalog struct {
	loc map[string]*goi18n.Localizer
	ids map[string]map[string]bool // lang → message ids, for completeness checks
}

// New loads the embedded catalogs; it panics only if an embedded file is malformed (a build error).
func New() *Catalog {
	b := goi18n.NewBundle(language.SimplifiedChinese)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	c := &Catalog{loc: map[string]*goi18n.Localizer{}, ids: map[string]map[string]bool{}}
	for _, lang := range Languages {
		data, err := files.ReadFile("locales/" + lang + ".json")
		if err != nil {
			panic(err)
		}
		if _, err := b.ParseMessageFileBytes(data, lang+".json"); err != nil {
			panic(fmt.Sprintf("i18n: %s: %v", lang, err))
		}
		var m map[string]any
		json.Unmarshal(data, &m)
		c.ids[lang] = map[string]bool{}
		for id := range m {
			c.ids[lang][id] = true
		}
		c.loc[lang] = goi18n.NewLocalizer(b, lang)
	}
	return c
}

// T translates id into lang; args are name/value pairs for {{.Name}} placeholders. An unknown id
// comes back as itself, so a missing message shows up on the page instead of breaking it.
func (c *Catalog) T(lang, id string, args ...any) string {
	l, ok := c.loc[lang]
	if !ok {
		l = c.loc[Languages[0]]
	}
	var data map[string]any
	if len(args) > 1 {
		data = map[string]any{}
		for i := 0; i+1 < len(args); i += 2 {
			data[fmt.Sprint(args[i])] = args[i+1]
		}
	}
	s, err := l.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil {
		return id
	}
	return s
}

// Has reports whether lang's catalog defines id.
func (c *Catalog) Has(lang, id string) bool { return c.ids[lang][id] }

// IDs returns the message ids of lang.
func (c *Catalog) IDs(lang string) map[string]bool { return c.ids[lang] }

// Match picks a supported language from a stored preference or an Accept-Language header.
func Match(pref, accept string) string {
	for _, l := range Languages {
		if strings.EqualFold(pref, l) {
			return l
		}
	}
	tags, _, err := language.ParseAcceptLanguage(accept)
	if err == nil {
		for _, t := range tags {
			if base, _ := t.Base(); base.String() == "en" {
				return "en"
			} else if base.String() == "zh" {
				return "zh-CN"
			}
		}
	}
	return Languages[0]
}
