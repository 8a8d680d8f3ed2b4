package ingest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
)

// RowFunc gets one data row of a CSV or XLSX file: its 1-based line (CSV) or Excel row number, and
// its cells, as many as the header has.
type RowFunc func(line int, cells []string) error

// ReadRows streams a CSV or XLSX table for imports that are not records (feedback): the header row
// goes to header, every non-blank row after it to row. It reads CSV and XLSX exactly as record
// imports do — UTF-8 or GBK, the delimiter from the header line, the first sheet, raw cell values —
// and a malformed CSV line goes to reject as file:line: reason while reading goes on.
func ReadRows(ctx context.Context, r io.Reader, name, format string, header func(line int, cells []string) error, row RowFunc, reject func(Reject)) error {
	switch format {
	case FormatCSV:
		return readCSVRows(ctx, bufio.NewReaderSize(r, 64<<10), name, header, row, reject)
	case FormatXLSX:
		return readXLSXRows(ctx, r, name, header, row)
	}
	return fmt.Errorf("%s: ReadRows reads csv or xlsx, not %q", name, format)
}

func readCSVRows(ctx context.Context, br *bufio.Reader, name string, header func(int, []string) error, row RowFunc, reject func(Reject)) error {
	rows := openCSV(br, 0)
	ncols := -1
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		r, err := rows.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: read CSV: %w", name, err)
		}
		if r.reason != "" {
			reject(Reject{File: name, Line: r.line, Raw: truncate(r.raw, maxRaw), Reason: r.reason})
			continue
		}
		if isBlankRow(r.cells) {
			continue
		}
		if ncols < 0 {
			ncols = len(r.cells)
			if err := header(r.line, r.cells); err != nil {
				return err
			}
			continue
		}
		if len(r.cells) != ncols {
			reject(Reject{File: name, Line: r.line, Raw: truncate(r.raw, maxRaw),
				Reason: fmt.Sprintf("row has %d columns but the header has %d: quote cells that contain commas, or fill in the missing cells", len(r.cells), ncols)})
			continue
		}
		if err := row(r.line, r.cells); err != nil {
			return err
		}
	}
	if ncols < 0 {
		reject(Reject{File: name, Reason: "the file is empty: expected a header row and then one row per entry"})
	}
	return nil
}

func readXLSXRows(ctx context.Context, r io.Reader, name string, header func(int, []string) error, row RowFunc) error {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return fmt.Errorf("%s: not a readable .xlsx workbook (%v): save it from Excel as .xlsx, or export CSV", name, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return fmt.Errorf("%s: the workbook has no sheets", name)
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return fmt.Errorf("%s: read sheet %q: %w", name, sheets[0], err)
	}
	defer rows.Close()
	ncols := -1
	for rowNo := 1; rows.Next(); rowNo++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return fmt.Errorf("%s:%d: read sheet %q: %w", name, rowNo, sheets[0], err)
		}
		if isBlankRow(cells) {
			continue
		}
		if ncols < 0 {
			ncols = len(cells)
			if err := header(rowNo, cells); err != nil {
				return err
			}
			continue
		}
		for len(cells) < ncols { // Excel omits trailing empty cells
			cells = append(cells, "")
		}
		if err := row(rowNo, cells); err != nil {
			return err
		}
	}
	return rows.Error()
}

func toBytes(ss []string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

// ParseTime reads a timestamp cell the way record imports do: RFC 3339, the offset-less layouts of
// real exports (taken as +08:00), and with excel set an Excel serial date. field names the column in
// the error.
func ParseTime(field, v string, excel bool) (time.Time, error) {
	if excel {
		if f, err := strconv.ParseFloat(v, 64); err == nil && f > 0 && f < 2958466 {
			t := &table{excelDates: true, header: map[string]string{field: field}}
			return t.timeValue(field, v)
		}
	}
	return parseTime(field, v)
}

// DetectTableFormat picks jsonl, csv or xlsx from a file name's extension, "" when it is none of them.
func DetectTableFormat(name string) string {
	f, err := DetectFormat(name, bufio.NewReader(bytes.NewReader(nil)))
	if err != nil {
		return ""
	}
	switch f {
	case FormatJSONL, FormatCSV, FormatXLSX:
		return f
	}
	return ""
}
