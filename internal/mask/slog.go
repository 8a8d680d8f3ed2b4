package mask

import (
	"fmt"
	"log/slog"

	"qloop/internal/qa"
)

// ReplaceAttr is a slog.HandlerOptions.ReplaceAttr that masks string values
// (and the message) with Text, and attributes named customer_id,
// customer_name or customer_phone by field, so personal data never reaches
// the logs:
//
//	slog.NewJSONHandler(w, &slog.HandlerOptions{ReplaceAttr: mask.ReplaceAttr})
//
// Errors, Stringers, []byte, records and findings are masked too; other
// structured values are not inspected, so log ids rather than whole structs.
func ReplaceAttr(_ []string, a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindString:
		if by, ok := fieldMasks[a.Key]; ok { // customer_* fields by field (FORMAT.md), whatever they hold
			a.Value = slog.StringValue(by(a.Value.String()))
		} else if s := a.Value.String(); s != "" {
			if m := Text(s); m != s {
				a.Value = slog.StringValue(m)
			}
		}
	case slog.KindAny:
		switch v := a.Value.Any().(type) {
		case *qa.Record:
			a.Value = slog.AnyValue(Record(v))
		case qa.Record:
			a.Value = slog.AnyValue(*Record(&v))
		case []qa.Finding:
			a.Value = slog.AnyValue(Findings(v))
		case []byte:
			a.Value = slog.StringValue(Text(string(v)))
		case error:
			a.Value = maskString(a.Value, v.Error())
		case fmt.Stringer:
			a.Value = maskString(a.Value, v.String())
		}
	}
	return a
}

// fieldMasks mask string attributes named like the record's customer fields.
var fieldMasks = map[string]func(string) string{"customer_id": CustomerID, "customer_name": Name,
	"customer_phone": Phone}

// maskString returns the masked s as a string value if masking changed it,
// else v, so that values without personal data keep their type and format.
func maskString(v slog.Value, s string) slog.Value {
	if m := Text(s); m != s {
		return slog.StringValue(m)
	}
	return v
}
