package prof

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func BenchmarkGet(b *testing.B) {
	for _, store := range []string{"memory", "sqlite"} {
		h, path, err := Setup(store)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(store, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				r := httptest.NewRequest("GET", path, nil)
				r.Header.Set("Authorization", "Bearer "+Token)
				h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatal(w.Code, w.Body.String())
				}
			}
		})
	}
}
