package ingest

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// readXLSX reads the first sheet (or m.Sheet) of an Excel workbook through m (see table); the line of
// a reject is the Excel row number. A zip archive needs random access, so the compressed workbook is
// held in memory; the sheet itself is streamed with excelize's Rows (large sheets are unzipped to a
// temporary file by excelize, not into memory).
func readXLSX(s *sink, r io.Reader, m *Mapping) error {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return fmt.Errorf("%s: not a readable .xlsx workbook (%v): save it from Excel as .xlsx, or export CSV", s.file, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	sheet := m.Sheet
	if sheet == "" {
		if len(sheets) == 0 {
			return fmt.Errorf("%s: the workbook has no sheets", s.file)
		}
		sheet = sheets[0]
	} else if idx, _ := f.GetSheetIndex(sheet); idx < 0 {
		return fmt.Errorf("%s: no sheet %q (the workbook has %s): fix sheet in the mapping file", s.file, sheet, strings.Join(sheets, ", "))
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return fmt.Errorf("%s: read sheet %q: %w", s.file, sheet, err)
	}
	defer rows.Close()
	t := &table{s: s, m: m, excelDates: true}
	haveHeader := false
	for rowNo := 1; rows.Next(); rowNo++ {
		// Raw values: a date's display format (often m/d/yy h:mm, without seconds) would lose precision,
		// and long numbers such as phone numbers would be shown in exponent form.
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return fmt.Errorf("%s:%d: read sheet %q: %w", s.file, rowNo, sheet, err)
		}
		if !haveHeader {
			if isBlankRow(cells) {
				continue
			}
			if err := t.setHeader(rowNo, cells); err != nil {
				return err
			}
			haveHeader = true
			continue
		}
		// Excel omits trailing empty cells; pad so that every row has the header's width.
		for len(cells) < t.ncols {
			cells = append(cells, "")
		}
		if err := t.row(rowNo, cells); err != nil {
			return err
		}
	}
	if err := rows.Error(); err != nil {
		return fmt.Errorf("%s: read sheet %q: %w", s.file, sheet, err)
	}
	if !haveHeader {
		s.bad(0, "", fmt.Sprintf("sheet %q is empty: expected a header row and then one row per message or ticket", sheet))
		return nil
	}
	return t.flush()
}
