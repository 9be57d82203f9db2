// Command openapi prints the example orders contract as an OpenAPI 3.1
// document. CI validates its output with an OpenAPI validator from npm.
package main

import (
	"fmt"
	"os"

	"github.com/accordhq/accord/contract"
	orders "github.com/accordhq/accord/examples/contracttest"
)

func main() {
	doc, err := contract.OpenAPI(orders.Contract(), "1.0.0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "openapi:", err)
		os.Exit(1)
	}
	os.Stdout.Write(append(doc, '\n'))
}
