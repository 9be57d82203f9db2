package accord

// The risk categories every project has. The risk register files risks
// under them (a project adds its own), and a review's feasibility
// assessment raises risks under them, so the register takes a raised risk
// over as it is. Declared here, once, because those two domains may not
// import each other.
const (
	RiskTechnical         = "technical"
	RiskRequirementChange = "requirement_change"
	RiskResource          = "resource"
	RiskSchedule          = "schedule"
	RiskDependency        = "dependency"
	RiskSecurity          = "security"
	RiskCompliance        = "compliance"
)

// RiskCategories lists the built-in risk categories.
func RiskCategories() []string {
	return []string{RiskTechnical, RiskRequirementChange, RiskResource, RiskSchedule, RiskDependency, RiskSecurity, RiskCompliance}
}
