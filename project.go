package accord

// ValidateProject checks a project key: 1–64 ASCII letters, digits, '.',
// '_' or '-', starting with a letter or digit. Every domain package checks
// the project of each call with it.
func ValidateProject(project string) error {
	ok := len(project) > 0 && len(project) <= 64
	for i := 0; ok && i < len(project); i++ {
		c := project[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		ok = alnum || (i > 0 && (c == '.' || c == '_' || c == '-'))
	}
	if !ok {
		return InvalidField("project", "project", "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
	}
	return nil
}
