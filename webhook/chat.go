package webhook

import (
	"strings"

	"github.com/accordhq/accord"
)

// checkChat checks what a subscription says about its chat robot: the
// language of its messages, and a secret that can be the robot's.
func checkChat(errs *accord.FieldErrors, f Format, language, secret string) {
	if language != "" && language != English && language != Chinese {
		errs.Add("language", "unknown language %q; %s or %s", language, English, Chinese)
	}
	switch {
	case secret == "":
	case len(secret) < 16 || len(secret) > 256:
		errs.Add("secret", "must be 16 to 256 bytes, or left out for a generated one")
	case f == FormatWeCom:
		errs.Add("secret", "a WeCom robot signs nothing: the key in its URL is the credential; leave the secret out")
	case (f == FormatDingTalk || f == FormatFeishu) && strings.HasPrefix(secret, generatedPrefix):
		errs.Add("secret", "must be the robot's own signing secret, as the chat's robot settings show it, not one accord generated")
	}
}

func formatNames() string {
	var names []string
	for _, f := range Formats() {
		names = append(names, string(f))
	}
	return strings.Join(names, ", ")
}
