package web

import (
	"io/fs"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestBothLanguagesHaveEveryMessage(t *testing.T) {
	for key := range en {
		_, ok := zh[key]
		assert.True(t, ok, "zh-CN lacks %s", key)
	}
	for key := range zh {
		_, ok := en[key]
		assert.True(t, ok, "en lacks %s", key)
	}
	// Every key the templates and handlers ask for exists.
	used := map[string]bool{}
	keyRef := regexp.MustCompile(`(?:\.T|lang\.t)\(?\s*"([a-z_]+\.[a-z_.]+)"`)
	areas := regexp.MustCompile(`\(area \. "([a-z_]+)"`)
	_ = fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(templateFS, path)
		for _, m := range keyRef.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
		for _, m := range areas.FindAllStringSubmatch(string(b), -1) {
			used["field."+m[1]] = true
		}
		return nil
	})
	goFiles, _ := fs.Glob(os.DirFS("."), "*.go")
	for _, f := range goFiles {
		b, _ := os.ReadFile(f)
		for _, m := range keyRef.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
	}
	assert.Greater(t, len(used), 150, "the scan found the keys")
	for key := range used {
		_, ok := en[key]
		assert.True(t, ok, "no message for %s", key)
	}
}

func TestDatesAreWrittenTheWayEachLanguageWritesThem(t *testing.T) {
	at := time.Date(2026, 3, 7, 9, 5, 0, 0, time.UTC)
	assert.Equal(t, "7 Mar 2026 09:05", english.date(at))
	assert.Equal(t, "2026年3月7日 09:05", chinese.date(at))
	assert.Equal(t, "2026年3月7日", chinese.day(at))
	assert.Empty(t, english.date(time.Time{}))
}

func TestAcceptLanguagePicksTheBestLanguageSpoken(t *testing.T) {
	for header, want := range map[string]lang{"": english, "zh-CN": chinese, "zh-TW;q=0.9, en;q=0.8": chinese,
		"en-GB,zh;q=0.5": english, "fr, de;q=0.9": english, "fr, zh-Hans;q=0.3": chinese} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept-Language", header)
		assert.Equal(t, want, chooseLang(r), header)
	}
	assert.Equal(t, "草稿", chinese.enum("status", "draft"))
	assert.Equal(t, "brand new", english.enum("status", "brand_new"), "an unknown value shows as it is")
	assert.True(t, strings.HasPrefix(chinese.t("requirement.move_to", "已批准"), "改为"))
}
