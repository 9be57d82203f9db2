package plan

import (
	"bytes"
	"fmt"
	"html"
	"math"
	"time"
)

// BurnUpSVG draws a burn-up chart: the scope and the work done at the end
// of each day so far, the straight line from nothing to the scope at the
// iteration's last working day that an even pace would follow, and the
// team's capacity. The x axis runs from the first point to end, so an
// iteration under way shows how much time is left. It is meant to be
// looked at: one glance says whether done is catching up with scope. It
// draws at most MaxIterationDays days: points and days after those are
// left off, so the picture stays small whatever it is given.
func BurnUpSVG(title string, points []BurnUpPoint, end Date, capacity float64) []byte {
	const (
		width, height            = 760, 380
		left, right, top, bottom = 64, 150, 48, 64
		plotW, plotH             = width - left - right, height - top - bottom
	)
	top1 := capacity
	for _, p := range points {
		top1 = math.Max(top1, math.Max(p.Scope, p.Done))
	}
	yMax := niceCeil(top1 * 1.1)
	if yMax == 0 {
		yMax = 1
	}
	points = points[:min(len(points), MaxIterationDays)]
	n := len(points)
	// Every working day from the first point to end has a place on the
	// axis, drawn or not yet.
	dates := make([]Date, 0, n)
	for _, p := range points {
		dates = append(dates, p.Date)
	}
	if n > 0 {
		if t, ok := points[n-1].Date.Time(); ok {
			for d := t.AddDate(0, 0, 1); Date(d.Format(time.DateOnly)) <= end && len(dates) < MaxIterationDays; d = d.AddDate(0, 0, 1) {
				if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
					dates = append(dates, Date(d.Format(time.DateOnly)))
				}
			}
		}
	}
	slots := len(dates)
	x := func(i int) float64 {
		if slots <= 1 {
			return left + plotW/2
		}
		return left + float64(i)*plotW/float64(slots-1)
	}
	y := func(v float64) float64 { return top + plotH - v/yMax*plotH }

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif">`, width, height, width, height)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`, width, height)
	fmt.Fprintf(&b, `<text x="%d" y="28" font-size="17" font-weight="bold" fill="#1f2937">%s</text>`, left, html.EscapeString(title))

	// Grid and the y axis, in person-days.
	step := yMax / 5
	for i := 0; i <= 5; i++ {
		v := step * float64(i)
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#e5e7eb"/>`, left, y(v), left+plotW, y(v))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" font-size="11" fill="#6b7280" text-anchor="end">%s</text>`, left-8, y(v)+4, days(v))
	}
	fmt.Fprintf(&b, `<text x="16" y="%d" font-size="12" fill="#374151" transform="rotate(-90 16 %d)" text-anchor="middle">person-days</text>`, top+plotH/2, top+plotH/2)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#9ca3af"/>`, left, top+plotH, left+plotW, top+plotH)

	// Dates along the bottom: every label when few, else about eight.
	every := max(1, int(math.Ceil(float64(slots)/8)))
	for i, d := range dates {
		if i%every != 0 && i != slots-1 {
			continue
		}
		label := string(d)
		if len(label) == 10 {
			label = label[5:] // MM-DD
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="11" fill="#6b7280" text-anchor="middle">%s</text>`, x(i), top+plotH+18, label)
	}

	if capacity > 0 {
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#dc2626" stroke-width="1.5" stroke-dasharray="6 4"/>`, left, y(capacity), left+plotW, y(capacity))
	}
	if n > 0 {
		final := points[n-1].Scope
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#9ca3af" stroke-width="1.5" stroke-dasharray="2 4"/>`, x(0), y(0), x(slots-1), y(final))
		polyline(&b, points, x, y, func(p BurnUpPoint) float64 { return p.Scope }, "#2563eb", "")
		polyline(&b, points, x, y, func(p BurnUpPoint) float64 { return p.Done }, "#16a34a", "")
		last := points[n-1]
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="12" fill="#2563eb">%s</text>`, x(n-1)+6, y(last.Scope)-4, days(last.Scope))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="12" fill="#16a34a">%s</text>`, x(n-1)+6, y(last.Done)+14, days(last.Done))
	} else {
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="14" fill="#6b7280" text-anchor="middle">no working day has started yet</text>`, left+plotW/2, top+plotH/2)
	}

	// Legend.
	lx := left + plotW + 24
	legend := []struct{ color, dash, label string }{
		{"#2563eb", "", "scope"}, {"#16a34a", "", "done"}, {"#9ca3af", "2 4", "even pace"}, {"#dc2626", "6 4", "capacity"},
	}
	for i, l := range legend {
		if l.label == "capacity" && capacity <= 0 {
			continue
		}
		ly := top + 12 + i*22
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2.5" stroke-dasharray="%s"/>`, lx, ly, lx+24, ly, l.color, l.dash)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="#374151">%s</text>`, lx+32, ly+4, l.label)
	}
	b.WriteString(`</svg>`)
	return b.Bytes()
}

func polyline(b *bytes.Buffer, points []BurnUpPoint, x func(int) float64, y func(float64) float64, v func(BurnUpPoint) float64, color, dash string) {
	b.WriteString(`<polyline fill="none" stroke="` + color + `" stroke-width="2.5" stroke-linejoin="round"`)
	if dash != "" {
		b.WriteString(` stroke-dasharray="` + dash + `"`)
	}
	b.WriteString(` points="`)
	for i, p := range points {
		fmt.Fprintf(b, "%.1f,%.1f ", x(i), y(v(p)))
	}
	b.WriteString(`"/>`)
	for i, p := range points {
		fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`, x(i), y(v(p)), color)
	}
}

// niceCeil rounds up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 0
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}
